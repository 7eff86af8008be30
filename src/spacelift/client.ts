/**
 * Spacelift GraphQL client: one keep-alive undici Pool, a cached JWT, typed errors and validated responses.
 * It never retries by itself except once after an "unauthorized" answer; Temporal's retry policy owns retries,
 * because runTrigger is not idempotent and only the activity knows how to check for an earlier run.
 */
import { Pool, type Dispatcher } from 'undici';
import { silentLogger, type Logger } from '../log/logger';
import { collectRunsSince, type RunPage } from '../platform/runs-since';
import { classifyGraphQLErrors, toGrant, toRun, toStack } from './answers';
import { JwtCache, type TokenGrant } from './auth';
import {
  SpaceliftAuthError, SpaceliftError, SpaceliftNotFoundError, SpaceliftRefusedError, SpaceliftTransientError,
} from './errors';
import type { SpaceliftErrorContext } from './errors';
import {
  API_KEY_USER, GET_RUN, LIST_RUNS, RUN_CANCEL, RUN_DISCARD, RUN_TRIGGER, SEARCH_STACKS, VIEWER, labelPredicates,
  type ApiKeyUserResponse, type GraphQLErrorsResponse, type OperationSpec, type RunStopResponse,
  type RunTriggerResponse, type SearchInput, type SearchStacksResponse, type StackRunResponse, type StackRunsResponse,
  type ViewerResponse,
} from './queries';
import type { Run, SpaceliftApi, Stack } from './types';
import { isOwnTrigger } from './triggered-by';
import { validateResponse } from './validate';

export interface SpaceliftClientOptions {
  /** Base URL such as https://acme.app.spacelift.io; "/graphql" is appended. */
  endpoint: string;
  apiKeyId: string;
  apiKeySecret: string;
  requestTimeoutMs?: number;
  /** 'scan' pages through every stack; 'label' asks the server to filter on the exact dependsOn label. */
  discovery?: 'scan' | 'label';
  pageSize?: number;
  logger?: Logger;
  /** Epoch milliseconds; injectable so tests can move the token expiry. */
  now?: () => number;
  /** Use this instead of the client's own Pool (it is then not closed by close()). */
  dispatcher?: Dispatcher;
}

type Reply = { kind: 'data'; status: number; body: unknown } | { kind: 'unauthorized'; status: number };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 50;
const RETRYABLE_STATUS = new Set([408, 425, 429]);
/** Pages of `Stack.runs` listRunsSince reads at most; its page size is not documented (spacectl asks for none). */
const MAX_RUN_PAGES = 10;
/** The note Spacelift records on runs this service cancels or discards. */
export const STOP_NOTE = 'cancelled by spacelift-cascade';
/** States in which a run is already stopped: a cancelRun retry after a lost answer finds it there. */
const STOPPED_STATES = new Set(['CANCELED', 'DISCARDED']);

export class SpaceliftClient implements SpaceliftApi {
  private readonly origin: string;
  private readonly path: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly auth: JwtCache;
  private readonly timeoutMs: number;
  private readonly discovery: 'scan' | 'label';
  private readonly pageSize: number;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly options: SpaceliftClientOptions) {
    const url = parseEndpoint(options.endpoint);
    if (!options.apiKeyId) throw new Error('Spacelift apiKeyId must not be empty');
    if (!options.apiKeySecret) throw new Error(`Spacelift apiKeySecret for key ${options.apiKeyId} must not be empty`);
    this.timeoutMs = positiveInt('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.pageSize = positiveInt('pageSize', options.pageSize ?? DEFAULT_PAGE_SIZE);
    this.discovery = options.discovery ?? 'scan';
    this.origin = url.origin;
    this.path = url.pathname.replace(/\/+$/, '') + '/graphql';
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Pool(url.origin, { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.auth = new JwtCache(() => this.exchangeKey(), options.now ?? Date.now);
  }

  async listCandidateDependents(stackId: string): Promise<Stack[]> {
    const context = { operation: 'searchStacks', stackId };
    if (this.discovery === 'label') return this.searchAllPages(labelPredicates(stackId), context);
    return this.scanAccount(context);
  }

  /**
   * Every stack in the account, whatever the discovery mode (for graph features). `onPage` hears the running count
   * after each page, e.g. for a progress indicator.
   */
  async listAllStacks(onPage?: (count: number) => void): Promise<Stack[]> {
    return this.scanAccount({ operation: 'searchStacks' }, onPage);
  }

  async triggerRun(stackId: string): Promise<Run> {
    const context = { operation: 'runTrigger', stackId };
    const reply = await this.call<RunTriggerResponse>(RUN_TRIGGER, { stack: stackId }, context);
    if (!reply.data.runTrigger) {
      // The run may exist all the same: the retry's at-most-once guard looks for it before triggering again.
      throw new SpaceliftTransientError(`${describe(context)} answered no run and no error`, context);
    }
    this.log.info('spacelift run triggered', { stackId, runId: reply.data.runTrigger.id });
    return toRun(reply.data.runTrigger);
  }

  async getRun(stackId: string, runId: string): Promise<Run> {
    const context = { operation: 'getRun', stackId, runId };
    const { data } = await this.call<StackRunResponse>(GET_RUN, { stack: stackId, run: runId }, context);
    if (!data.stack) throw new SpaceliftNotFoundError(`${this.stackMissing(stackId)} (getRun ${runId})`, context);
    if (!data.stack.run) throw new SpaceliftNotFoundError(`run ${runId} not found on stack ${stackId}`, context);
    return toRun(data.stack.run);
  }

  /** `api::<our key ID>`, or the shortened `api::<prefix>::<key name>` (src/spacelift/triggered-by.ts). */
  ownsTrigger(triggeredBy: string | null | undefined): boolean {
    return isOwnTrigger(triggeredBy, this.options.apiKeyId);
  }

  /**
   * Tracked runs created at or after `since` (epoch seconds), paging back with `runs(before: <run ID>)` as spacectl
   * does. The cursor is the page's oldest run by ID (run IDs are ULIDs, which sort by creation time): under
   * newest-first that is spacectl's "last run of the page", and it stays right whatever order a page comes in.
   */
  async listRunsSince(stackId: string, since: number): Promise<Run[]> {
    const context = { operation: 'listRuns', stackId };
    const fetchPage = async (before: string | null): Promise<RunPage<string | null>> => {
      const { data } = await this.call<StackRunsResponse>(LIST_RUNS, { stack: stackId, before }, context);
      if (!data.stack) throw new SpaceliftNotFoundError(`${this.stackMissing(stackId)} (listRuns)`, context);
      const runs = (data.stack.runs ?? []).map(toRun);
      const oldest = runs.reduce<string | undefined>((min, run) => (min === undefined || run.id < min ? run.id : min), undefined);
      // A server that ignores `before` would hand back the same page for ever.
      return { runs, next: oldest === undefined || oldest === before ? undefined : oldest };
    };
    const { runs, complete } = await collectRunsSince(since, null, fetchPage, MAX_RUN_PAGES);
    if (!complete) this.log.warn('spacelift runs since the trigger decision fill more pages than are read', { ...context, since, pages: MAX_RUN_PAGES });
    return runs;
  }

  /**
   * runCancel first (a run that has not started: QUEUED/READY → CANCELED); when Spacelift refuses it
   * (SpaceliftRefusedError), runDiscard (a run waiting to be applied, e.g. UNCONFIRMED → DISCARDED). When both are refused,
   * the run is read back: already CANCELED/DISCARDED (an earlier attempt whose answer was lost) resolves with it;
   * any other state is a non-retryable SpaceliftError naming that state, since retrying will not change Spacelift's
   * mind. Transport failures, server failures, "not found" and auth errors are thrown as they are, before trying
   * anything else.
   */
  async cancelRun(stackId: string, runId: string): Promise<Run> {
    const refusals: string[] = [];
    for (const spec of [RUN_CANCEL, RUN_DISCARD]) {
      try {
        return await this.stopRun(spec, stackId, runId);
      } catch (err) {
        if (!(err instanceof SpaceliftRefusedError)) throw err;
        this.log.info('spacelift refused to stop the run this way', { operation: spec.operation, stackId, runId, reason: err.reason });
        refusals.push(`${spec.operation}: ${err.reason}`);
      }
    }
    const run = await this.getRun(stackId, runId);
    if (STOPPED_STATES.has(run.state)) return run;
    throw new SpaceliftError(
      `run ${runId} on stack ${stackId} could not be stopped: it is ${run.state} (${refusals.join('; ')})`,
      { operation: 'runCancel', stackId, runId },
      false,
    );
  }

  private async stopRun(spec: typeof RUN_CANCEL | typeof RUN_DISCARD, stackId: string, runId: string): Promise<Run> {
    const context = { operation: spec.operation, stackId, runId };
    const variables = { stack: stackId, run: runId, note: STOP_NOTE };
    const { data } = await this.call<RunStopResponse<typeof spec.operation>>(spec, variables, context);
    const answer = data[spec.operation];
    if (!answer) throw new SpaceliftRefusedError(`${describe(context)} answered no run`, context, 'answered no run');
    const run = toRun(answer);
    this.log.info(`spacelift run ${run.state.toLowerCase()}`, { stackId, runId, operation: spec.operation });
    return run;
  }

  async verifyCredentials(): Promise<{ viewer: string | null }> {
    const { data } = await this.call<ViewerResponse>(VIEWER, {}, { operation: 'viewer' });
    return { viewer: data.viewer ? data.viewer.name || data.viewer.id : null };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * An expired or anonymous token can make searchStacks answer an empty page instead of an error
   * (spacectl#79). An account with no stacks at all is suspicious, so ask `viewer`: null means the token was
   * ignored, so drop it and sweep once more with a fresh one.
   */
  private async scanAccount(context: SpaceliftErrorContext, onPage?: (count: number) => void): Promise<Stack[]> {
    const stacks = await this.searchAllPages(undefined, context, onPage);
    if (stacks.length > 0 || (await this.verifyCredentials()).viewer !== null) return stacks;
    this.log.warn('spacelift returned no stacks and no viewer; exchanging the API key again', { ...context });
    this.auth.reset();
    const retried = await this.searchAllPages(undefined, context, onPage);
    if (retried.length > 0 || (await this.verifyCredentials()).viewer !== null) return retried;
    throw new SpaceliftAuthError(
      `searchStacks returned no stacks and viewer is null: API key ${this.options.apiKeyId} is not accepted`,
      context,
    );
  }

  private async searchAllPages(
    predicates: SearchInput['predicates'],
    context: SpaceliftErrorContext,
    onPage?: (count: number) => void,
  ): Promise<Stack[]> {
    const stacks: Stack[] = [];
    let after: string | undefined;
    for (let page = 1; ; page++) {
      const input: SearchInput = { first: this.pageSize, ...(after ? { after } : {}), ...(predicates ? { predicates } : {}) };
      const { data } = await this.call<SearchStacksResponse>(SEARCH_STACKS, { input }, context);
      for (const edge of data.searchStacks.edges) stacks.push(toStack(edge.node));
      onPage?.(stacks.length);
      const { hasNextPage, endCursor } = data.searchStacks.pageInfo;
      if (!hasNextPage || !endCursor) return stacks;
      // A server that hands back the same cursor would otherwise keep us paging forever.
      if (endCursor === after) {
        throw new SpaceliftTransientError(`searchStacks pagination stuck: cursor repeated after page ${page}`, context);
      }
      after = endCursor;
    }
  }

  /** An authenticated call: on "unauthorized" the token is refreshed and the request sent once more. */
  private async call<T>(spec: OperationSpec, variables: Record<string, unknown>, context: SpaceliftErrorContext): Promise<T> {
    let jwt = await this.auth.token();
    let reply = await this.send(spec, variables, context, jwt);
    if (reply.kind === 'unauthorized') {
      this.log.warn('spacelift token rejected; exchanging the API key again', { ...context, status: reply.status });
      this.auth.invalidate(jwt);
      jwt = await this.auth.token();
      reply = await this.send(spec, variables, context, jwt);
    }
    if (reply.kind === 'unauthorized') {
      throw new SpaceliftAuthError(
        `${describe(context)} still unauthorized after a token refresh: API key ${this.options.apiKeyId} may lack access`,
        { ...context, status: reply.status },
      );
    }
    return validateResponse<T>(spec.schema, reply.body, { ...context, status: reply.status });
  }

  private async exchangeKey(): Promise<TokenGrant> {
    const keyId = this.options.apiKeyId;
    let reply: Reply;
    try {
      reply = await this.send(API_KEY_USER, { id: keyId, secret: this.options.apiKeySecret }, { operation: 'apiKeyUser' });
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
    this.log.debug('spacelift API key exchanged', { apiKeyId: keyId, validUntil: grant.validUntil, assumed: data.apiKeyUser.validUntil === null });
    return grant;
  }

  /** One HTTP round trip. Returns data or "unauthorized"; every other failure becomes a typed error. */
  private async send(
    spec: OperationSpec,
    variables: Record<string, unknown>,
    context: SpaceliftErrorContext,
    jwt?: string,
  ): Promise<Reply> {
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

  private interpret(status: number, text: string, context: SpaceliftErrorContext, mayQuoteBody: boolean): Reply {
    if (status === 401) return { kind: 'unauthorized', status };
    if (status === 403) throw new SpaceliftAuthError(`${describe(context)} forbidden (HTTP 403)`, context);
    if (status < 200 || status >= 300) {
      // Only non-auth bodies are quoted: an apiKeyUser body could carry a token.
      const excerpt = mayQuoteBody && text ? `: ${text.slice(0, 200)}` : '';
      const message = `${describe(context)} failed with HTTP ${status} from ${this.origin}${this.path}${excerpt}`;
      if (status >= 500 || RETRYABLE_STATUS.has(status)) throw new SpaceliftTransientError(message, context);
      // Other 4xx (404 on a wrong endpoint, 400 on a broken query) will not heal by retrying.
      throw new SpaceliftError(message, context, false);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      const message = `${describe(context)} answered malformed JSON (HTTP ${status}, ${text.length} bytes)`;
      throw new SpaceliftTransientError(message, context, { cause: err });
    }
    if (!hasErrors(body)) return { kind: 'data', status, body };
    const { errors } = validateResponse<GraphQLErrorsResponse>('graphql-errors', body, context, {
      echoValues: mayQuoteBody,
    });
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

  private stackMissing(stackId: string): string {
    return `stack ${stackId} not found (or not visible to API key ${this.options.apiKeyId})`;
  }
}

/** "getRun (stack vpc, run 01J...)": the operation and what it was about, for error messages. */
function describe(context: SpaceliftErrorContext): string {
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

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Spacelift ${name} must be a positive integer, got ${value}`);
  return value;
}
