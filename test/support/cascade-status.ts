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

