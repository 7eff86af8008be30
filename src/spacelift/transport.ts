/**
 * One Spacelift GraphQL round trip over a keep-alive undici Pool: JSON in, and either the answer's data, an
 * "unauthorized" that the session may fix by exchanging the key again, or a typed error (HTTP, network, JSON and
 * GraphQL `errors[]` failures). It never retries: Temporal's retry policies own that.
 */
import { Pool, type Dispatcher } from 'undici';
import type { Logger } from '../log/logger';
import { classifyGraphQLErrors } from './answers';
import {
  SpaceliftAuthError,
  SpaceliftError,
  SpaceliftNotFoundError,
  SpaceliftRefusedError,
  SpaceliftTransientError,
  type SpaceliftErrorContext,
} from './errors';
import type { GraphQLErrorsResponse, OperationSpec } from './queries';
import { validateResponse } from './validate';

export type Reply = { kind: 'data'; status: number; body: unknown } | { kind: 'unauthorized'; status: number };

export interface TransportOptions {
  /** Base URL such as https://acme.app.spacelift.io; "/graphql" is appended. */
  endpoint: string;
  timeoutMs: number;
  logger: Logger;
  /** Use this instead of the transport's own Pool (it is then not closed by close()). */
  dispatcher?: Dispatcher;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);
const MAX_QUOTE = 200;

export class SpaceliftTransport {
  private readonly origin: string;
  private readonly path: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly log: Logger;

  constructor(options: TransportOptions) {
    const url = parseEndpoint(options.endpoint);
    this.origin = url.origin;
    this.path = url.pathname.replace(/\/+$/, '') + '/graphql';
    this.timeoutMs = options.timeoutMs;
    this.log = options.logger;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Pool(url.origin, { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
  }

  /** One HTTP round trip. Returns data or "unauthorized"; every other failure becomes a typed error. */
  async send(spec: OperationSpec, variables: Record<string, unknown>, context: SpaceliftErrorContext, jwt?: string): Promise<Reply> {
    const started = Date.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'spacelift-client-type': 'spacelift-cascade',
      ...(jwt ? { authorization: `Bearer ${jwt}` } : {}),
    };
    let status: number;
    let text: string;
    try {
      const response = await this.dispatcher.request({
        origin: this.origin,
        path: this.path,
        method: 'POST',
        headers,
        body: JSON.stringify({ query: spec.query, variables }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      throw this.networkError(err, context);
    }
    this.log.debug('spacelift request', { ...context, status, durationMs: Date.now() - started });
    return this.interpret(status, text, { ...context, status }, spec.operation !== 'apiKeyUser');
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private interpret(status: number, text: string, context: SpaceliftErrorContext, mayQuoteBody: boolean): Reply {
    if (status === 401) return { kind: 'unauthorized', status };
    if (status === 403) throw new SpaceliftAuthError(`${describe(context)} forbidden (HTTP 403)`, context);
    if (status < 200 || status >= 300) {
      // Only non-auth bodies are quoted: an apiKeyUser body could carry a token.
      const excerpt = mayQuoteBody && text ? `: ${text.slice(0, MAX_QUOTE)}` : '';
      const message = `${describe(context)} failed with HTTP ${status} from ${this.origin}${this.path}${excerpt}`;
      if (status >= 500 || RETRYABLE_STATUS.has(status)) throw new SpaceliftTransientError(message, context);
      // Other 4xx (404 on a wrong endpoint, 400 on a broken query) will not heal by retrying.
      throw new SpaceliftError(message, 'refused', context);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      const message = `${describe(context)} answered malformed JSON (HTTP ${status}, ${text.length} bytes)`;
      throw new SpaceliftTransientError(message, context, { cause: err });
    }
    if (!hasErrors(body)) return { kind: 'data', status, body };
    const { errors } = validateResponse<GraphQLErrorsResponse>('graphql-errors', body, context, { echoValues: mayQuoteBody });
    const { kind, error } = classifyGraphQLErrors(errors);
    if (kind === 'unauthorized') return { kind: 'unauthorized', status };
    const withPath = { ...context, ...(error.path ? { path: error.path.join('.') } : {}) };
    const message = `${describe(context)} failed: ${error.message}`;
    if (kind === 'not-found') throw new SpaceliftNotFoundError(message, withPath);
    if (kind === 'server-failed') throw new SpaceliftTransientError(message, withPath);
    throw new SpaceliftRefusedError(message, withPath, error.message);
  }

  private networkError(err: unknown, context: SpaceliftErrorContext): SpaceliftTransientError {
    const { code, name, message } = (err ?? {}) as { code?: string; name?: string; message?: string };
    const timedOut = name === 'TimeoutError' || (code !== undefined && /TIMEOUT/.test(code));
    const reason = timedOut ? `timed out after ${this.timeoutMs} ms` : `connection failed (${code ?? name}: ${message})`;
    return new SpaceliftTransientError(`${describe(context)} ${reason}`, context, { cause: err });
  }
}

/** "getRun (stack vpc, run 01J...)": the operation and what it was about, for error messages. */
export function describe(context: SpaceliftErrorContext): string {
  const parts = [context.stackId && `stack ${context.stackId}`, context.runId && `run ${context.runId}`].filter(Boolean);
  return parts.length > 0 ? `${context.operation} (${parts.join(', ')})` : context.operation;
}

/** `errors: []` or `errors: null` mean no errors; anything else goes through the error-envelope schema. */
function hasErrors(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || !('errors' in body)) return false;
  const { errors } = body;
  return errors != null && !(Array.isArray(errors) && errors.length === 0);
}

function parseEndpoint(endpoint: string): URL {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol === 'https:' || url?.protocol === 'http:') return url;
  throw new Error(`Spacelift endpoint must be an http(s) URL, got '${endpoint}'`);
}
