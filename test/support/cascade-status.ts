import type { WorkflowHandle } from '@temporalio/client';
import { cascadeStatusQuery, type CascadeStatus } from '../../src/workflows/cascade-types';

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
