/**
 * The Spacelift adapter of the platform port: the operations a cascade needs, over an authenticated session
 * (auth.ts: the API key exchanged for a cached JWT, refreshed once on "unauthorized") on a GraphQL transport
 * (transport.ts: undici, typed errors). Every answer is checked against its JSON Schema. It never retries by itself:
 * Temporal's retry policies own retries, because runTrigger is not idempotent and only the activity knows how to
 * check for an earlier run.
 */
import type { Dispatcher } from 'undici';
import { silentLogger, type Logger } from '../log/logger';
import { collectRunsSince, type RunPage } from '../platform/runs-since';
import type { PlatformApi, Run, Stack } from '../platform/types';
import { toRun, toStack } from './answers';
import { SpaceliftSession } from './auth';
import {
  SpaceliftAuthError,
  SpaceliftError,
  SpaceliftNotFoundError,
  SpaceliftRefusedError,
  SpaceliftTransientError,
  type SpaceliftErrorContext,
} from './errors';
import {
  GET_RUN,
  LIST_RUNS,
  RUN_CANCEL,
  RUN_DISCARD,
  RUN_TRIGGER,
  SEARCH_STACKS,
  VIEWER,
  labelPredicates,
  type RunStopResponse,
  type RunTriggerResponse,
  type SearchInput,
  type SearchStacksResponse,
  type StackRunResponse,
  type StackRunsResponse,
  type ViewerResponse,
} from './queries';
import { describe, SpaceliftTransport } from './transport';
import { isOwnTrigger } from './triggered-by';

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

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 50;
/** Pages of `Stack.runs` listRunsSince reads at most; its page size is not documented (spacectl asks for none). */
const MAX_RUN_PAGES = 10;
/** The note Spacelift records on runs this service cancels or discards. */
export const STOP_NOTE = 'cancelled by spacelift-cascade';
/** States in which a run is already stopped: a cancelRun retry after a lost answer finds it there. */
const STOPPED_STATES = new Set(['CANCELED', 'DISCARDED']);

export class SpaceliftClient implements PlatformApi {
  private readonly transport: SpaceliftTransport;
  private readonly session: SpaceliftSession;
  private readonly discovery: 'scan' | 'label';
  private readonly pageSize: number;
  private readonly log: Logger;

  constructor(private readonly options: SpaceliftClientOptions) {
    if (!options.apiKeyId) throw new Error('Spacelift apiKeyId must not be empty');
    if (!options.apiKeySecret) throw new Error(`Spacelift apiKeySecret for key ${options.apiKeyId} must not be empty`);
    const timeoutMs = positiveInt('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.pageSize = positiveInt('pageSize', options.pageSize ?? DEFAULT_PAGE_SIZE);
    this.discovery = options.discovery ?? 'scan';
    this.log = options.logger ?? silentLogger;
    this.transport = new SpaceliftTransport({
      endpoint: options.endpoint,
      timeoutMs,
      logger: this.log,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    this.session = new SpaceliftSession(
      this.transport,
      { id: options.apiKeyId, secret: options.apiKeySecret },
      this.log,
      options.now ?? Date.now,
    );
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
    const reply = await this.session.call<RunTriggerResponse>(RUN_TRIGGER, { stack: stackId }, context);
    if (!reply.data.runTrigger) {
      // The run may exist all the same: the retry's at-most-once guard looks for it before triggering again.
      throw new SpaceliftTransientError(`${describe(context)} answered no run and no error`, context);
    }
    this.log.info('spacelift run triggered', { stackId, runId: reply.data.runTrigger.id });
    return toRun(reply.data.runTrigger);
  }

  async getRun(stackId: string, runId: string): Promise<Run> {
    const context = { operation: 'getRun', stackId, runId };
    const { data } = await this.session.call<StackRunResponse>(GET_RUN, { stack: stackId, run: runId }, context);
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
      const { data } = await this.session.call<StackRunsResponse>(LIST_RUNS, { stack: stackId, before }, context);
      if (!data.stack) throw new SpaceliftNotFoundError(`${this.stackMissing(stackId)} (listRuns)`, context);
      const runs = (data.stack.runs ?? []).map(toRun);
      const oldest = runs.reduce<string | undefined>((min, run) => (min === undefined || run.id < min ? run.id : min), undefined);
      // A server that ignores `before` would hand back the same page for ever.
      return { runs, next: oldest === undefined || oldest === before ? undefined : oldest };
    };
    const { runs, complete } = await collectRunsSince(since, null, fetchPage, MAX_RUN_PAGES);
    if (!complete)
      this.log.warn('spacelift runs since the trigger decision fill more pages than are read', { ...context, since, pages: MAX_RUN_PAGES });
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
      'refused',
      { operation: 'runCancel', stackId, runId },
    );
  }

  private async stopRun(spec: typeof RUN_CANCEL | typeof RUN_DISCARD, stackId: string, runId: string): Promise<Run> {
    const context = { operation: spec.operation, stackId, runId };
    const variables = { stack: stackId, run: runId, note: STOP_NOTE };
    const { data } = await this.session.call<RunStopResponse<typeof spec.operation>>(spec, variables, context);
    const answer = data[spec.operation];
    if (!answer) throw new SpaceliftRefusedError(`${describe(context)} answered no run`, context, 'answered no run');
    const run = toRun(answer);
    this.log.info(`spacelift run ${run.state.toLowerCase()}`, { stackId, runId, operation: spec.operation });
    return run;
  }

  async verifyCredentials(): Promise<{ viewer: string | null }> {
    const { data } = await this.session.call<ViewerResponse>(VIEWER, {}, { operation: 'viewer' });
    return { viewer: data.viewer ? data.viewer.name || data.viewer.id : null };
  }

  async close(): Promise<void> {
    await this.transport.close();
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
    this.session.reset();
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
      const { data } = await this.session.call<SearchStacksResponse>(SEARCH_STACKS, { input }, context);
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

  private stackMissing(stackId: string): string {
    return `stack ${stackId} not found (or not visible to API key ${this.options.apiKeyId})`;
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Spacelift ${name} must be a positive integer, got ${value}`);
  return value;
}
