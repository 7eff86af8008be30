/** The fake Spacelift's public contract: what tests and the demo configure and observe. */
import type { AttachedContext, RunDelta } from '../../platform/types';
import type { SpaceliftOperation } from '../../spacelift/queries';
import type { Answer } from '../http/wire';

/**
 * A stack of the fake account. An absent field gets a default (name: the ID, labels: none, branch: main ...);
 * null is served as null, for the answers no public source rules out (schemas/spacelift-stack.json). A stack's
 * branch is also its runs' branch.
 */
export interface FakeStackSpec {
  id: string;
  name?: string | null;
  labels?: string[] | null;
  attachedContexts?: AttachedContext[] | null;
  state?: string | null;
  isDisabled?: boolean | null;
  lockedBy?: string | null;
  branch?: string | null;
}

export interface RecordedRequest {
  /** A SpaceliftOperation, or 'unknown' for a query the fake does not recognise. */
  operation: SpaceliftOperation | 'unknown';
  variables: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

export interface RecordedTrigger {
  stackId: string;
  runId: string;
  at: number;
}

/**
 * How the runs of a stack end. A run starts QUEUED; the getRun call that finds it non-terminal after `afterPolls`
 * earlier getRun calls already did (default 0: the first getRun) moves it to `state` with `delta` (default null).
 */
export interface RunOutcome {
  state: string;
  delta?: RunDelta | null;
  afterPolls?: number;
}

/** A run as the fake holds it, for assertions. */
export interface FakeRunInfo {
  stackId: string;
  id: string;
  state: string;
  delta: RunDelta | null;
}

export interface FakeSpacelift {
  readonly url: string;
  readonly apiKeyId: string;
  readonly apiKeySecret: string;
  readonly requests: RecordedRequest[];
  /** Every runTrigger the fake accepted, including those answered with afterMutation500 or schemaViolation. */
  readonly triggers: RecordedTrigger[];
  triggerCount(stackId: string): number;
  addStacks(specs: FakeStackSpec[]): void;
  /** Takes stacks out of the account (their runs stay), so a long test keeps the account small. */
  removeStacks(ids: string[]): void;
  expireTokens(): void;
  /** Moves a run to `state` at once; `delta` replaces the run's delta when given (null clears it). */
  setRunState(runId: string, state: string, delta?: RunDelta | null): void;
  /** How this stack's runs end (overrides defaultRunOutcome), including runs already in flight. */
  setRunOutcome(stackId: string, outcome: RunOutcome): void;
  /** Every run, or one stack's, in the order they were triggered. */
  runs(stackId?: string): FakeRunInfo[];
  /**
   * Adds a run to a stack's history without a runTrigger (not recorded in `triggers`): by default one our key
   * triggered now and QUEUED; `triggeredBy` (null: nobody), `createdAt` (epoch seconds) and `state` change that.
   */
  addRun(stackId: string, run?: { triggeredBy?: string | null; createdAt?: number; state?: string }): string;
  /**
   * Calls `fn` synchronously whenever a runTrigger is accepted, after the run exists and is in `triggers` but
   * before the client has its answer. A listener that throws is logged and does not change the answer.
   */
  onTrigger(fn: (trigger: RecordedTrigger) => void): void;
  close(): Promise<void>;
}

export interface FakeSpaceliftOptions {
  stacks?: FakeStackSpec[];
  apiKeyId?: string;
  apiKeySecret?: string;
  tokenTtlSeconds?: number;
  pageSizeCap?: number;
  now?: () => number;
  /** How runs of stacks without setRunOutcome end. Without either, runs stay QUEUED until setRunState. */
  defaultRunOutcome?: RunOutcome;
  /**
   * `Run.triggeredBy` of the runs our key triggers: `full` (default) is `api::<key ID>`; `short` is
   * `api::<first 7 characters of the key ID>::<apiKeyName>`, the form of Spacelift's changelog of 2025-09-16.
   */
  triggeredByForm?: 'full' | 'short';
  /** The key name in the `short` form (default "spacelift-cascade"). */
  apiKeyName?: string;
  /** Runs per page of `Stack.runs(before:)` (default 50; the real size is not documented). */
  runsPageSize?: number;
  /** The order of the runs within a page of `Stack.runs`; pages always walk back in time. Default newest-first. */
  runsOrder?: 'newest-first' | 'oldest-first';
  /**
   * Sees every request once it is recorded and may answer it instead of the fake: tests inject faults and latency
   * with it (test/support/fake-spacelift.ts). Its answer is sent as is, without the schema check healthy answers get;
   * undefined lets the fake answer.
   */
  intercept?: (request: InterceptedRequest) => Answer | undefined | Promise<Answer | undefined>;
}

/** A request as `intercept` sees it. */
export interface InterceptedRequest {
  operation: SpaceliftOperation | 'unknown';
  variables: Record<string, unknown>;
  /** Builds the answer a healthy Spacelift sends, with its side effects (runTrigger creates a run); checked. */
  healthy: () => Record<string, unknown>;
}
