import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { cascadeStatusQuery, type CascadeStatus } from '../../workflows/cascade-types';
import { noWorkerAnswered, type TemporalSession } from '../../service/temporal-session';

/**
 * A cascade's status: the result of a completed one (no worker needed), else the cascadeStatus query, which a
 * worker answers (a running workflow's, or by replaying an ended one's history).
 */
export async function readCascadeStatus(
  session: TemporalSession,
  handle: WorkflowHandle,
  description: WorkflowExecutionDescription,
): Promise<CascadeStatus> {
  if (description.status.name === 'COMPLETED') return (await session.call(() => handle.result())) as CascadeStatus;
  try {
    return await session.call(() => handle.query(cascadeStatusQuery));
  } catch (err) {
    if (!noWorkerAnswered(err)) throw err;
    throw new Error(
      `no worker answered the status query of ${handle.workflowId} in time: is a worker polling task queue ${description.taskQueue}?`,
      { cause: err },
    );
  }
}
