import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { CHAIN_WORKFLOW_TYPE, type ChainInput } from '../workflows/types';
import { chainWorkflowId } from './workflow-id';

export interface StartChainRequest {
  stackId: string;
  runId: string;
  runState: string;
}

export type StartChainOutcome = { status: 'started' | 'duplicate'; workflowId: string };

/**
 * Starts the chain for one finished run, exactly once: the workflow ID is derived from stack + run,
 * and IDs are never reused, so a redelivery (even after the chain completed) is reported as a duplicate.
 * Any other error propagates: the caller answers 503 and Spacelift redelivers.
 */
export async function startChain(client: Client, taskQueue: string, request: StartChainRequest): Promise<StartChainOutcome> {
  const workflowId = chainWorkflowId(request.stackId, request.runId);
  const input: ChainInput = { stack_id: request.stackId, run_id: request.runId, run_state: request.runState };
  try {
    await client.workflow.start(CHAIN_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { status: 'started', workflowId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { status: 'duplicate', workflowId };
    throw err;
  }
}
