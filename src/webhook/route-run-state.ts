import type { LogFields } from '../log/logger';
import type { RunDelta } from '../platform/types';
import { describeError } from '../log/describe-error';
import { runMonitorWorkflowId } from '../workflows/workflow-ids';
import { unavailable, type Reply } from './reply';

/**
 * delivered: the run's RunMonitorWorkflow is running and got the state; already-complete: the run's monitor existed
 * and has ended (a redelivery); no-monitor: no workflow has the monitor's ID (yet).
 */
export type RouteOutcome = 'delivered' | 'already-complete' | 'no-monitor';

/**
 * signal: the listener knows a cascade triggered the run (its `triggeredBy`, or HCP Terraform's message marker), so it
 * signals the monitor: one Temporal call. ask: it cannot tell, so it describes the monitor first.
 */
export type RouteMode = 'signal' | 'ask';

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
export type RouteRunState = (update: RunStateUpdate, mode: RouteMode) => Promise<RouteOutcome>;

/**
 * The fast path: a run that a cascade watches is answered here (200 delivered, or duplicate once its monitor has
 * ended) and never starts a cascade of its own. Undefined means "no monitor; the caller decides".
 * Temporal not answering is a 503: starting a cascade for a run that might be watched could run its graph twice.
 */
export async function routeToMonitor(
  update: RunStateUpdate,
  route: RouteRunState,
  mode: RouteMode,
  fields: LogFields,
): Promise<Reply | undefined> {
  const workflowId = runMonitorWorkflowId(update.runId, update.unitId);
  let outcome: RouteOutcome;
  try {
    outcome = await route(update, mode);
  } catch (err) {
    return unavailable('Temporal did not answer whether a cascade watches this run; retry', {
      ...fields,
      workflowId,
      error: describeError(err),
    });
  }
  switch (outcome) {
    case 'delivered':
      return { status: 200, outcome: 'delivered', body: { status: 'delivered', workflowId }, fields: { ...fields, workflowId } };
    case 'already-complete':
      return { status: 200, outcome: 'duplicate', body: { status: 'duplicate', workflowId }, fields: { ...fields, workflowId } };
    case 'no-monitor':
      return undefined;
    default:
      throw new Error(`routeRunState answered ${String(outcome)}`);
  }
}

/**
 * A run a cascade triggered whose monitor is not running: StackRunsWorkflow starts the monitor right after the trigger,
 * so an early webhook can find none; the monitor then polls the run (CASCADE_POLL_INTERVAL) and loses nothing.
 * Acknowledged (202), not 503: a redelivery would tell the monitor nothing its poll does not.
 */
export const unwatchedReason = (why: string): string =>
  `run was ${why}; no monitor of it is running yet: the cascade that triggered it polls the run`;
