/** The fake Spacelift's public contract: what tests and the demo configure and observe. */
import type { SpaceliftOperation } from '../spacelift/queries';
import type { AttachedContext, RunDelta } from '../spacelift/types';
import type { Fault } from './faults';

export interface FakeStackSpec {
  id: string;
  name?: string;
  labels?: string[];
  attachedContexts?: AttachedContext[];
  state?: string;
  isDisabled?: boolean;
  lockedBy?: string | null;
  branch?: string;
}

export interface RecordedRequest {
  /** A SpaceliftOperation, or 'unknown' for a query the fake does not recognise. */
  operation: SpaceliftOperation | 'unknown';
  variables: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

export interface RecordedTrigger { stackId: string; runId: string; at: number }

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
  inject(fault: Fault): void;
  expireTokens(): void;
  /** Moves a run to `state` at once; `delta` replaces the run's delta when given (null clears it). */
  setRunState(runId: string, state: string, delta?: RunDelta | null): void;
  /** How this stack's runs end (overrides defaultRunOutcome), including runs already in flight. */
  setRunOutcome(stackId: string, outcome: RunOutcome): void;
  /** Every run, or one stack's, in the order they were triggered. */
  runs(stackId?: string): FakeRunInfo[];
  /**
   * Calls `fn` synchronously whenever a runTrigger is accepted, after the run exists and is in `triggers` but
   * before the client has its answer. A listener that throws is logged and does not change the answer.
   */
  onTrigger(fn: (trigger: RecordedTrigger) => void): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface FakeSpaceliftOptions {
  stacks?: FakeStackSpec[];
  apiKeyId?: string;
  apiKeySecret?: string;
  tokenTtlSeconds?: number;
  latencyMs?: number;
  pageSizeCap?: number;
  now?: () => number;
  /** How runs of stacks without setRunOutcome end. Without either, runs stay QUEUED until setRunState. */
  defaultRunOutcome?: RunOutcome;
}
