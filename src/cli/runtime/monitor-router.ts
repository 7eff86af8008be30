import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { runMonitorWorkflowId } from '../../temporal/workflow-id';
import type { RouteOutcome, RouteRunState } from '../../webhook';
import type { RunEvent } from '../../webhook/run-event';
import { RUN_MONITOR_WORKFLOW_TYPE, runStateSignal, type RunStateSignal } from '../../workflows/cascade-types';

/**
 * The listener's fast path over the Temporal client: describe `spacelift-run-<runId>`; a RUNNING monitor gets the
 * state as a signal, an ended one means the run was already dealt with, and no such workflow means no cascade
 * watches the run. Every other error propagates (the listener answers 503 and Spacelift redelivers).
 */
export function createMonitorRouter(client: Client): RouteRunState {
  return async (event: RunEvent): Promise<RouteOutcome> => {
    const handle = client.workflow.getHandle(runMonitorWorkflowId(event.run.id));
    let found = false;
    try {
      const description = await handle.describe();
      found = true;
      if (description.type !== RUN_MONITOR_WORKFLOW_TYPE) return 'not-ours';
      if (description.status.name !== 'RUNNING') return 'already-complete';
      await handle.signal(runStateSignal, stateSignal(event));
      return 'delivered';
    } catch (err) {
      // Not found at describe: nobody watches the run. Not found at signal: the monitor ended in between.
      if (err instanceof WorkflowNotFoundError) return found ? 'already-complete' : 'not-ours';
      throw err;
    }
  };
}

function stateSignal(event: RunEvent): RunStateSignal {
  const delta = event.run.delta;
  return {
    state: event.state,
    stateVersion: event.stateVersion,
    delta: delta ? { added: delta.added, changed: delta.changed, deleted: delta.deleted } : null,
  };
}
