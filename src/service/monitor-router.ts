import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { RouteMode, RouteOutcome, RouteRunState, RunStateUpdate } from '../webhook';
import { RUN_MONITOR_WORKFLOW_TYPE, runStateSignal, type RunStateSignal } from '../workflows/cascade-types';
import { runMonitorWorkflowId } from '../workflows/workflow-ids';

/**
 * The listener's fast path over the Temporal client, to the monitor `spacelift-run-<runId>` (`tfc-run-<runId>`):
 * - 'signal' (the run is known to be a cascade's): signal it, one call. Only when no monitor is running (Temporal
 *   answers NOT_FOUND both for an ended workflow and for one that does not exist yet) a describe tells the two apart.
 * - 'ask' (the listener cannot tell): describe first; a RUNNING monitor gets the signal.
 * An ended monitor means the run was already dealt with; no monitor means none watches the run (yet). Every other
 * error propagates (the listener answers 503 and the platform redelivers).
 */
export function createMonitorRouter(client: Client): RouteRunState {
  return async (update: RunStateUpdate, mode: RouteMode): Promise<RouteOutcome> => {
    const handle = client.workflow.getHandle(runMonitorWorkflowId(update.runId, update.unitId));
    const payload = signalPayload(update);
    if (mode === 'signal') {
      try {
        await handle.signal(runStateSignal, payload);
        return 'delivered';
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    return describeThenSignal(handle, payload);
  };
}

async function describeThenSignal(handle: WorkflowHandle, payload: RunStateSignal): Promise<RouteOutcome> {
  let found = false;
  try {
    const description = await handle.describe();
    found = true;
    if (description.type !== RUN_MONITOR_WORKFLOW_TYPE) return 'no-monitor';
    if (description.status.name !== 'RUNNING') return 'already-complete';
    await handle.signal(runStateSignal, payload);
    return 'delivered';
  } catch (err) {
    // Not found at describe: no monitor (yet). Not found at signal: the monitor ended in between.
    if (err instanceof WorkflowNotFoundError) return found ? 'already-complete' : 'no-monitor';
    throw err;
  }
}

function signalPayload({ state, stateVersion, delta }: RunStateUpdate): RunStateSignal {
  return {
    state,
    ...(stateVersion !== undefined ? { stateVersion } : {}),
    ...(delta === undefined ? { deltaUnknown: true } : { delta }),
  };
}
