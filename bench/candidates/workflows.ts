/**
 * The eager-dispatch candidate of bench/chain-candidates.ts, bundled separately; nothing in src/ imports this. The
 * direct chain as shipped, except that each child schedules its trigger on the workflow's own task queue, which is
 * what eager activity dispatch needs (the server hands the activity to the worker in the answer to its workflow task,
 * when `system.enableActivityEagerExecution` is on). It bypasses the rate-limited trigger queue, so it could only
 * ever be used without SPACELIFT_TRIGGER_RATE.
 */
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../src/activities';
import { ACTIVITY_START_TO_CLOSE, READ_RETRY, TRIGGER_RETRY } from '../../src/workflows/policies';

export const EAGER_CHAIN_WORKFLOW_TYPE = 'EagerChainWorkflow';

const { findDependentStacks } = proxyActivities<Activities>({ startToCloseTimeout: ACTIVITY_START_TO_CLOSE, retry: READ_RETRY });
const { triggerStackRun } = proxyActivities<Activities>({ startToCloseTimeout: ACTIVITY_START_TO_CLOSE, retry: TRIGGER_RETRY });

export async function EagerChainWorkflow(input: { stack_id: string }): Promise<number> {
  const dependents = await findDependentStacks(input.stack_id);
  const chainId = workflowInfo().workflowId;
  await Promise.all(
    dependents.map((stack) => executeChild(EagerExecutionWorkflow, { workflowId: `${chainId}/${stack.id}`, args: [stack.id] })),
  );
  return dependents.length;
}

export async function EagerExecutionWorkflow(stackId: string): Promise<string> {
  const run = await triggerStackRun({ stackId, intentAt: workflowInfo().startTime.getTime() });
  return run.id;
}
