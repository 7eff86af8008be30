import type { LogFields } from '../log/logger';
import { runMonitorWorkflowId } from '../temporal/workflow-id';
import type { RunDelta } from '../platform/types';
import { describeError } from '../log/describe-error';
import type { Reply } from './handle-delivery';

/**
 * delivered: a RunMonitorWorkflow is waiting for this run and got its state; already-complete: the run's monitor
 * exists but has ended; not-ours: no cascade watches this run.
 */
export type RouteOutcome = 'delivered' | 'already-complete' | 'not-ours';

/** A run's new state, as a platform's webhook reported it. */
export interface RunStateUpdate {
  /** The unit whose run it is: a Spacelift stack ID, or `tfc:<workspace>`. */
  unitId: string;
  runId: string;
  state: string;
  stateVersion?: number;
  /** null: the run changed nothing / has no plan; absent: the webhook does not say (HCP Terraform). */
  delta?: RunDelta | null;
}

/** Hands a run's state to the monitor a graph cascade started for it (`spacelift-run-<runId>`, `tfc-run-<runId>`). */
export type RouteRunState = (update: RunStateUpdate) => Promise<RouteOutcome>;

/**
 * The fast path, before any filter: a run that a cascade triggered is answered here (200 delivered, or duplicate
 * once its monitor has ended) and never starts a cascade of its own. Undefined means "not ours, carry on".
 * Temporal not answering is a 503: starting a cascade for a run that might be watched could run its graph twice.
 */
export async function routeToMonitor(update: RunStateUpdate, route: RouteRunState, fields: LogFields): Promise<Reply | undefined> {
  const workflowId = runMonitorWorkflowId(update.runId, update.unitId);
  let outcome: RouteOutcome;
  try {
    outcome = await route(update);
  } catch (err) {
    return {
      status: 503,
      outcome: 'unavailable',
      body: { status: 'unavailable', reason: 'Temporal did not answer whether a cascade watches this run; retry' },
      fields: { ...fields, workflowId, error: describeError(err) },
    };
  }
  switch (outcome) {
    case 'delivered':
      return { status: 200, outcome: 'delivered', body: { status: 'delivered', workflowId }, fields: { ...fields, workflowId } };
    case 'already-complete':
      return { status: 200, outcome: 'duplicate', body: { status: 'duplicate', workflowId }, fields: { ...fields, workflowId } };
    case 'not-ours':
      return undefined;
    default:
      throw new Error(`routeRunState answered ${String(outcome)}`);
  }
}
