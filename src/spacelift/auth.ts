import type { Logger } from '../log/logger';
import { SpaceliftAuthError, SpaceliftNotFoundError, type SpaceliftErrorContext } from './errors';
import { API_KEY_USER, type ApiKeyUserResponse, type OperationSpec } from './queries';
import { describe, type Reply, type SpaceliftTransport } from './transport';
import { validateResponse } from './validate';

/**
 * JWT cache for the apiKeyUser exchange. Every exchange counts as a billed "user" for the billing cycle, and
 * costs a round trip, so one token is shared by all calls until shortly before it expires.
 */

export interface TokenGrant {
  jwt: string;
  /** Unix SECONDS, as Spacelift returns it. */
  validUntil: number;
}

/**
 * The shortest token lifetime Spacelift documents ("Spacelift tokens expire after 1 hour", user-documentation
 * docs/integrations/api.md): assumed when apiKeyUser answers a null validUntil. An earlier expiry is still
 * handled: an "unauthorized" answer makes the client exchange the key again.
 */
export const ASSUMED_TOKEN_LIFETIME_S = 3600;

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

/**
 * Authenticated calls: the API key exchanged for a JWT (apiKeyUser) once and cached; on an "unauthorized" answer the
 * token is dropped, the key exchanged again and the request sent once more. Every answer is checked against its
 * JSON Schema.
 */
export class SpaceliftSession {
  private readonly jwt: JwtCache;

  constructor(
    private readonly transport: SpaceliftTransport,
    private readonly key: { id: string; secret: string },
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.jwt = new JwtCache(() => this.exchangeKey(), now);
  }

  async call<T>(spec: OperationSpec, variables: Record<string, unknown>, context: SpaceliftErrorContext): Promise<T> {
    let jwt = await this.jwt.token();
    let reply = await this.transport.send(spec, variables, context, jwt);
    if (reply.kind === 'unauthorized') {
      this.log.warn('spacelift token rejected; exchanging the API key again', { ...context, status: reply.status });
      this.jwt.invalidate(jwt);
      jwt = await this.jwt.token();
      reply = await this.transport.send(spec, variables, context, jwt);
    }
    if (reply.kind === 'unauthorized') {
      throw new SpaceliftAuthError(
        `${describe(context)} still unauthorized after a token refresh: API key ${this.key.id} may lack access`,
        { ...context, status: reply.status },
      );
    }
    return validateResponse<T>(spec.schema, reply.body, { ...context, status: reply.status });
  }

  /** Forget the token whatever it is: for when the server ignored it silently instead of rejecting it. */
  reset(): void {
    this.jwt.reset();
  }

  private async exchangeKey(): Promise<TokenGrant> {
    const keyId = this.key.id;
    let reply: Reply;
    try {
      reply = await this.transport.send(API_KEY_USER, { id: keyId, secret: this.key.secret }, { operation: 'apiKeyUser' });
    } catch (err) {
      if (!(err instanceof SpaceliftNotFoundError)) throw err;
      throw new SpaceliftAuthError(`invalid API key id ${keyId}: ${err.message}`, err.context);
    }
    const context = { operation: 'apiKeyUser', status: reply.status };
    if (reply.kind === 'unauthorized') {
      throw new SpaceliftAuthError(`API key ${keyId} was rejected (unauthorized): check the key secret`, context);
    }
    // No echoing of values: this response carries the JWT.
    const { data } = validateResponse<ApiKeyUserResponse>('api-key-user', reply.body, context, { echoValues: false });
    if (!data.apiKeyUser) {
      throw new SpaceliftAuthError(`invalid API key id ${keyId}: Spacelift knows no such key (apiKeyUser is null)`, context);
    }
    const grant = toGrant(data.apiKeyUser, this.now());
    if (!grant) throw new SpaceliftAuthError(`API key ${keyId} was not exchanged: apiKeyUser answered no jwt`, context);
    this.log.debug('spacelift API key exchanged', {
      apiKeyId: keyId,
      validUntil: grant.validUntil,
      assumed: data.apiKeyUser.validUntil === null,
    });
    return grant;
  }
}

/** apiKeyUser's answer as a cached grant, or undefined when it carries no JWT. */
export function toGrant(answer: { jwt: string | null; validUntil: number | null }, nowMs: number): TokenGrant | undefined {
  if (answer.jwt === null) return undefined;
  return { jwt: answer.jwt, validUntil: answer.validUntil ?? Math.floor(nowMs / 1000) + ASSUMED_TOKEN_LIFETIME_S };
}
