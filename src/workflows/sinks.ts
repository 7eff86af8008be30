/**
 * What workflows report to the worker's metrics, through Temporal sinks: a sink call leaves the workflow sandbox
 * without a command in the history, so reporting never changes what a workflow replays. The worker registers the
 * implementation (src/metrics/workflow-sinks.ts); the SDK passes each call the calling workflow's info.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { WaitState } from './cascade-types';

export type CascadeOutcome = 'completed' | 'failed' | 'cancelled';

/** The stack of a cascade that has waited longest in `state`, since `since` (epoch ms, workflow time). */
export interface OldestWait {
  state: WaitState;
  since: number;
}

export interface CascadeSinks extends Sinks {
  cascadeMetrics: {
    /** A run was triggered in Spacelift (by a cascade or a direct chain). Counted live only, never on replay. */
    runTriggered(): void;
    /** The cascade ended: `failed` when any stack failed. Counted live only, never on replay. */
    cascadeEnded(outcome: CascadeOutcome): void;
    /**
     * The stacks of the calling cascade that now wait for approval: the whole set, not a change, so calling it
     * again on replay sets the same value. An empty list forgets the cascade.
     */
    approvalsWaiting(stackIds: string[]): void;
    /**
     * Per wait state, when the stack of the calling cascade that has been in it longest entered it: the whole
     * picture, so a replay ends on the current one. An empty list forgets the cascade.
     */
    oldestWaits(oldest: OldestWait[]): void;
  };
}

/** Callable from workflow code only (outside a workflow the call throws); worker code imports the types. */
export const { cascadeMetrics } = proxySinks<CascadeSinks>();
