import type { Client, WorkflowHandle } from '@temporalio/client';
import { cascadeStatusQuery, runStateSignal, type CascadeStatus, type RunStateSignal } from '../../src/workflows/cascade-types';

/**
 * Polls a workflow query in real time until `ready` holds. Queries leave time skipping locked, so timers
 * do not fire meanwhile; `result()` unlocks it.
 */
export async function waitForStatus(handle: Pick<WorkflowHandle, 'query'>, ready: (s: CascadeStatus) => boolean) {
  for (let i = 0; i < 600; i++) {
    const status = await handle.query(cascadeStatusQuery);
    if (ready(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('cascade never reached the expected state');
}

/** A run outcome for the fakes: FINISHED, having added one resource. */
export const FINISHED = { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 0 } };

/** `{ stackId: state }` of every stack in the cascade, for one-line assertions. */
export const states = (status: CascadeStatus): Record<string, string> => Object.fromEntries(status.stacks.map((s) => [s.id, s.state]));

export const stackOf = (status: CascadeStatus, id: string) => status.stacks.find((s) => s.id === id);

/**
 * Sends a run's state to its monitor the way the webhook listener does. The monitor starts just after the trigger
 * returns, so the signal is retried (every 100 ms, up to 30 s) until the workflow is there.
 */
export async function signalMonitor(client: Client, workflowId: string, state: RunStateSignal): Promise<void> {
  const monitor = client.workflow.getHandle(workflowId);
  for (let attempt = 0; attempt < 300; attempt++) {
    if (
      await monitor.signal(runStateSignal, state).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
