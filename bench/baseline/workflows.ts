/**
 * The ORIGINAL workflows, reimplemented for the fan-out benchmark only: discover the dependents with a full-account
 * scan, then start ONE child per dependent and await it before starting the next. Child IDs are `run-stack-<id>`,
 * as in the original. Bundled separately (bench/fanout.ts); nothing in src/ imports this.
 */
import { executeChild, proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export const BASELINE_CHAIN_WORKFLOW_TYPE = 'BaselineChainWorkflow';

const RETRY: RetryPolicy = { initialInterval: '1s', maximumInterval: '60s', backoffCoefficient: 2, maximumAttempts: 3 };

const { findDependentStacksBaseline, triggerStackRunBaseline } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30s',
  retry: RETRY,
});

export async function BaselineChainWorkflow(input: { stack_id: string }): Promise<{ triggered: number }> {
  const dependents = await findDependentStacksBaseline(input.stack_id);
  let triggered = 0;
  for (const stack of dependents) {
    await executeChild(BaselineExecutionWorkflow, { workflowId: `run-stack-${stack.id}`, args: [{ stack_id: stack.id }] });
    triggered += 1;
  }
  return { triggered };
}

export async function BaselineExecutionWorkflow(input: { stack_id: string }): Promise<{ runId: string }> {
  const run = await triggerStackRunBaseline(input.stack_id);
  return { runId: run.id };
}
