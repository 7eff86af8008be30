/**
 * JWT cache for the apiKeyUser exchange. Every exchange counts as a billed "user" for the billing cycle, and
 * costs a round trip, so one token is shared by all calls until shortly before it expires.
 */

export interface TokenGrant {
  jwt: string;
  /** Unix SECONDS, as Spacelift returns it. */
  validUntil: number;
}

/** Refresh this long before validUntil so a token never expires in flight or under mild clock skew. */
export const REFRESH_MARGIN_MS = 60_000;

export class JwtCache {
  private current: TokenGrant | undefined;
  /** One exchange at a time: concurrent callers wait for the same promise instead of each exchanging. */
  private pending: Promise<TokenGrant> | undefined;

  constructor(
    private readonly exchange: () => Promise<TokenGrant>,
    private readonly now: () => number,
  ) {}

  /** A JWT that is valid for at least REFRESH_MARGIN_MS more, exchanging the API key when needed. */
  async token(): Promise<string> {
    if (this.current && this.isFresh(this.current)) return this.current.jwt;
    // The grant is stored before `pending` clears, so no caller can slip between the two and exchange again.
    this.pending ??= this.exchange()
      .then((grant) => (this.current = grant))
      .finally(() => {
        this.pending = undefined;
      });
    return (await this.pending).jwt;
  }

  /**
   * Drop `jwt` after the server rejected it. Only that token: when several calls fail with the same expired
   * token, the first one refreshes and the others pick up the new token rather than refreshing again.
   */
  invalidate(jwt: string): void {
    if (this.current?.jwt === jwt) this.current = undefined;
  }

  /** Forget the cached token whatever it is: for when the server ignored it silently instead of rejecting it. */
  reset(): void {
    this.current = undefined;
  }

  private isFresh(grant: TokenGrant): boolean {
    return this.now() < grant.validUntil * 1000 - REFRESH_MARGIN_MS;
  }
}
