/**
 * One HCP Terraform HTTP round trip: bearer auth, JSON:API headers, a timeout, and the translation of every
 * failure into a typed error. The token is only ever put in the Authorization header, and is scrubbed from any
 * response text quoted in an error message (a misbehaving proxy could echo it).
 */
import type { Dispatcher } from 'undici';
import type { Logger } from '../log/logger';
import {
  TerraformAuthError,
  TerraformNotFoundError,
  TerraformRejectedError,
  TerraformTransientError,
  type TerraformErrorContext,
} from './errors';
import type { ErrorsResponse } from './types';
import { matchesTerraformSchema, validateTerraformResponse, type TerraformSchemaName } from './validate';

export interface TransportOptions {
  origin: string;
  /** Path prefix of the API, e.g. "/api/v2". */
  apiPath: string;
  token: string;
  timeoutMs: number;
  logger: Logger;
  dispatcher: Dispatcher;
  ownsDispatcher: boolean;
}

const JSON_API = 'application/vnd.api+json';
const RETRYABLE_STATUS = new Set([408, 425, 429]);
const MAX_QUOTE = 200;

export class TerraformTransport {
  constructor(private readonly options: TransportOptions) {}

  /** Sends the request; answers the validated body, or undefined when no schema is given (202 actions). */
  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: TerraformSchemaName,
    context: TerraformErrorContext,
    body?: unknown,
  ): Promise<T>;
  async call(method: 'GET' | 'POST', path: string, schema: undefined, context: TerraformErrorContext, body?: unknown): Promise<undefined>;
  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: TerraformSchemaName | undefined,
    context: TerraformErrorContext,
    body?: unknown,
  ): Promise<T | undefined> {
    const { status, text, retryAfter } = await this.send(method, path, context, body);
    const withStatus = { ...context, status };
    if (status < 200 || status >= 300) throw this.failure(status, text, retryAfter, withStatus);
    if (schema === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new TerraformTransientError(`${describe(context)} answered malformed JSON (HTTP ${status}, ${text.length} bytes)`, withStatus, {
        cause: err,
      });
    }
    return validateTerraformResponse<T>(schema, parsed, withStatus);
  }

  async close(): Promise<void> {
    if (this.options.ownsDispatcher) await this.options.dispatcher.close();
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    context: TerraformErrorContext,
    body: unknown,
  ): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
    const { origin, apiPath, token, timeoutMs, dispatcher, logger } = this.options;
    const started = Date.now();
    try {
      const response = await dispatcher.request({
        origin,
        path: apiPath + path,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: JSON_API,
          'user-agent': 'spacelift-cascade',
          ...(body === undefined ? {} : { 'content-type': JSON_API }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      const header = response.headers['retry-after'];
      logger.debug('terraform request', { ...context, status: response.statusCode, durationMs: Date.now() - started });
      return { status: response.statusCode, text, retryAfter: Array.isArray(header) ? header[0] : header };
    } catch (err) {
      throw this.networkError(err, context);
    }
  }

  private failure(status: number, text: string, retryAfter: string | undefined, context: TerraformErrorContext): Error {
    const detail = this.errorDetail(text);
    const where = `${describe(context)} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 401) return new TerraformAuthError(`${where} (the API token is missing, invalid or expired)`, context);
    if (status === 403) return new TerraformAuthError(`${where} (forbidden for this token)`, context);
    if (status === 404) return new TerraformNotFoundError(where, context);
    if (status >= 500 || RETRYABLE_STATUS.has(status)) {
      const wait = retryAfter ? ` (retry after ${retryAfter} s)` : '';
      return new TerraformTransientError(`${where}${wait}`, context);
    }
    return new TerraformRejectedError(where, context);
  }

  /** "title: detail" of the first JSON:API error, else a short excerpt of the body; the token never appears. */
  private errorDetail(text: string): string {
    let quoted = '';
    try {
      const body: unknown = JSON.parse(text);
      if (matchesTerraformSchema('errors', body)) {
        const first = (body as ErrorsResponse).errors[0];
        quoted = [first?.title, first?.detail].filter((part) => typeof part === 'string' && part !== '').join(': ');
      }
    } catch {
      // not JSON: quote the raw text below
    }
    if (quoted === '') quoted = text.trim();
    const scrubbed = quoted.split(this.options.token).join('[redacted]');
    return scrubbed.length > MAX_QUOTE ? `${scrubbed.slice(0, MAX_QUOTE - 3)}...` : scrubbed;
  }

  private networkError(err: unknown, context: TerraformErrorContext): TerraformTransientError {
    const { code, name, message } = (err ?? {}) as { code?: string; name?: string; message?: string };
    const timedOut = name === 'TimeoutError' || (code !== undefined && /TIMEOUT/.test(code));
    const reason = timedOut ? `timed out after ${this.options.timeoutMs} ms` : `connection failed (${code ?? name}: ${message})`;
    return new TerraformTransientError(`${describe(context)} ${reason}`, context, { cause: err });
  }
}

/** "getRun (workspace vpc, run run-abc)": the operation and what it was about, for error messages. */
export function describe(context: TerraformErrorContext): string {
  const parts = [context.stackId && `workspace ${context.stackId}`, context.runId && `run ${context.runId}`].filter(Boolean);
  return parts.length > 0 ? `${context.operation} (${parts.join(', ')})` : context.operation;
}
