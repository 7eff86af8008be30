import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { runMonitorWorkflowId } from '../../temporal/workflow-id';
import type { RouteOutcome, RouteRunState, RunStateUpdate } from '../../webhook';
import { RUN_MONITOR_WORKFLOW_TYPE, runStateSignal } from '../../workflows/cascade-types';

/**
 * The listener's fast path over the Temporal client: describe `spacelift-run-<runId>` (`tfc-run-<runId>`); a RUNNING monitor gets the
 * state as a signal, an ended one means the run was already dealt with, and no such workflow means no cascade
 * watches the run. Every other error propagates (the listener answers 503 and Spacelift redelivers).
 */
export function createMonitorRouter(client: Client): RouteRunState {
  return async ({ unitId, runId, state, stateVersion, delta }: RunStateUpdate): Promise<RouteOutcome> => {
    const handle = client.workflow.getHandle(runMonitorWorkflowId(runId, unitId));
    let found = false;
    try {
      const description = await handle.describe();
      found = true;
      if (description.type !== RUN_MONITOR_WORKFLOW_TYPE) return 'not-ours';
      if (description.status.name !== 'RUNNING') return 'already-complete';
      await handle.signal(runStateSignal, {
        state,
        ...(stateVersion !== undefined ? { stateVersion } : {}),
        ...(delta === undefined ? { deltaUnknown: true } : { delta }),
      });
      return 'delivered';
    } catch (err) {
      // Not found at describe: nobody watches the run. Not found at signal: the monitor ended in between.
      if (err instanceof WorkflowNotFoundError) return found ? 'already-complete' : 'not-ours';
      throw err;
    }
  };
}
