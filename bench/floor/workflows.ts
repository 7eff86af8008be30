/**
 * The server's floor for the shape of work the fan-out benchmark times, bundled separately (bench/fanout.ts); nothing
 * in src/ imports this. Each is the least a workflow of that shape can cost on this server with this worker:
 *   - FloorActivitiesWorkflow: N activities that each wait 20 ms (one fake Spacelift call), all at once, in one workflow;
 *   - FloorChildrenWorkflow: N child workflows that do nothing, all at once.
 */
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { FloorActivities } from './activities';

export const FLOOR_ACTIVITIES_WORKFLOW_TYPE = 'FloorActivitiesWorkflow';
export const FLOOR_CHILDREN_WORKFLOW_TYPE = 'FloorChildrenWorkflow';

const { waitLikeACall } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } });

export async function FloorActivitiesWorkflow(n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => waitLikeACall()));
}

export async function FloorChildrenWorkflow(n: number): Promise<void> {
  const parent = workflowInfo().workflowId;
  await Promise.all(Array.from({ length: n }, (_, i) => executeChild(FloorTrivialWorkflow, { workflowId: `${parent}/${i}` })));
}

export async function FloorTrivialWorkflow(): Promise<void> {
  // Nothing: the cost measured is the child's start, its one workflow task and its completion.
}
