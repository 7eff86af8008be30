import { executeChild, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_START_TO_CLOSE, DEFAULT_PLAN_TIMEOUT_MS, READ_RETRY, TRIGGER_RETRY } from './policies';
import { StackExecutionWorkflow, causeMessage, requireStackId } from './stack-execution';
import type { ChainInput, ChainResult, DependentOutcome, DependentStackInfo } from './types';

/** Finding the dependents is a read: it rides out a Spacelift outage for as long as a cascade's plan may. */
const { findDependentStacks } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: DEFAULT_PLAN_TIMEOUT_MS,
  retry: READ_RETRY,
});

/**
 * Finds every stack that depends on `stack_id` and triggers each one in its own child workflow,
 * all at once. One dependent failing never loses the others: each outcome is reported. Cancelling the chain
 * cancels it (it ends CANCELLED), after every child has settled: a trigger that is out is awaited and its run stopped.
 */
export async function StackDependencyChainWorkflow(input: ChainInput): Promise<ChainResult> {
  const stackId = requireStackId(input);
  const dependents = await findDependentStacks(stackId);
  const settled = await Promise.allSettled(dependents.map((stack) => runDependent(stack)));
  const outcomes = settled.map((result) => {
    if (result.status === 'rejected') throw result.reason; // only a cancellation gets here
    return result.value;
  });
  return { stack_id: stackId, ...(input.run_id ? { run_id: input.run_id } : {}), dependents: outcomes };
}

async function runDependent(stack: DependentStackInfo): Promise<DependentOutcome> {
  const chainId = workflowInfo().workflowId;
  try {
    const { run } = await executeChild(StackExecutionWorkflow, {
      // Unique per chain: two chains reaching the same stack must not collide (the original used run-stack-<id>).
      workflowId: childWorkflowId(chainId, stack.id),
      args: [{ stack_id: stack.id, chain_workflow_id: chainId }],
      retry: TRIGGER_RETRY,
    });
    return { stack_id: stack.id, stack_name: stack.name, status: 'triggered', run };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { stack_id: stack.id, stack_name: stack.name, status: 'failed', error: causeMessage(err) };
  }
}

export function childWorkflowId(chainWorkflowId: string, stackId: string): string {
  return `${chainWorkflowId}/${stackId}`;
}
