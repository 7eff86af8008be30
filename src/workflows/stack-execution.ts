import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_START_TO_CLOSE, TRIGGER_RETRY } from './policies';
import { cascadeMetrics } from './sinks';
import type { ExecutionInput, ExecutionResult } from './types';

const { triggerStackRun } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  retry: TRIGGER_RETRY,
});

/** Triggers one tracked run on one stack. */
export async function StackExecutionWorkflow(input: ExecutionInput): Promise<ExecutionResult> {
  const stackId = requireStackId(input);
  try {
    const run = await triggerStackRun({ stackId, intentAt: workflowInfo().startTime.getTime() });
    cascadeMetrics.runTriggered();
    return { stack_id: stackId, run };
  } catch (err) {
    // The activity already spent its retries; re-running this whole workflow would only multiply
    // runTrigger calls, so the failure is final for the child's own retry policy.
    throw ApplicationFailure.nonRetryable(`triggering a run on stack ${stackId} failed: ${causeMessage(err)}`, 'TriggerFailed');
  }
}

export function requireStackId(input: unknown): string {
  const stackId = (input as { stack_id?: unknown } | undefined)?.stack_id;
  if (typeof stackId !== 'string' || stackId.trim() === '') {
    throw ApplicationFailure.nonRetryable(
      `input.stack_id must be a non-empty string, got ${JSON.stringify(stackId) ?? 'undefined'}`,
      'InvalidInput',
    );
  }
  return stackId;
}

/**
 * The message of the failure itself, unwrapped from Temporal's ActivityFailure / ChildWorkflowFailure:
 * "runTrigger (stack a) answered malformed JSON", not the bare SyntaxError underneath it.
 */
export function causeMessage(err: unknown): string {
  let current: unknown = err;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
