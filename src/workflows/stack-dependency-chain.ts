import { executeChild, isCancellation, patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_START_TO_CLOSE, DEFAULT_PLAN_TIMEOUT_MS, READ_RETRY, TRIGGER_RETRY } from './policies';
import { StackExecutionWorkflow, causeMessage, requireStackId } from './stack-execution';
import type { ChainInput, ChainResult, DependentOutcome, DependentStackInfo } from './types';
import { chainChildWorkflowId } from './workflow-ids';

/** Finding the dependents is a read: it rides out a Spacelift outage for as long as a cascade's plan may. */
const { findDependentStacks } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: DEFAULT_PLAN_TIMEOUT_MS,
  retry: READ_RETRY,
});

/** Asks the worker running the chain for its SPACELIFT_TRIGGER_RATE: in-process, no task queue round trip. */
const { triggerRate } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry: READ_RETRY });

/** Chains started before this version triggered every dependent on the trigger queue; replaying them must too. */
const LOCAL_TRIGGER_PATCH = 'chain-local-trigger';

/**
 * Finds every stack that depends on `stack_id` and triggers each one in its own child workflow,
 * all at once. One dependent failing never loses the others: each outcome is reported. Cancelling the chain
 * cancels it (it ends CANCELLED), after every child has settled: a trigger that is out is awaited and its run stopped.
 * When the worker has no SPACELIFT_TRIGGER_RATE, each child triggers in a local activity: a child is then one
 * workflow task, which keeps the time per dependent flat as the chain grows (docs/benchmarks.md, "Fan-out").
 */
export async function StackDependencyChainWorkflow(input: ChainInput): Promise<ChainResult> {
  const stackId = requireStackId(input);
  const localTrigger = patched(LOCAL_TRIGGER_PATCH) && (await triggerRate()) === 0;
  const dependents = await findDependentStacks(stackId);
  const settled = await Promise.allSettled(dependents.map((stack) => runDependent(stack, localTrigger)));
  const outcomes = settled.map((result) => {
    if (result.status === 'rejected') throw result.reason; // only a cancellation gets here
    return result.value;
  });
  return { stack_id: stackId, ...(input.run_id ? { run_id: input.run_id } : {}), dependents: outcomes };
}

async function runDependent(stack: DependentStackInfo, localTrigger: boolean): Promise<DependentOutcome> {
  const chainId = workflowInfo().workflowId;
  try {
    const { run } = await executeChild(StackExecutionWorkflow, {
      // Unique per chain: two chains reaching the same stack must not collide (the original used run-stack-<id>).
      workflowId: chainChildWorkflowId(chainId, stack.id),
      args: [{ stack_id: stack.id, chain_workflow_id: chainId, ...(localTrigger ? { local_trigger: true } : {}) }],
      retry: TRIGGER_RETRY,
    });
    return { stack_id: stack.id, stack_name: stack.name, status: 'triggered', run };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { stack_id: stack.id, stack_name: stack.name, status: 'failed', error: causeMessage(err) };
  }
}
