import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  log,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, TriggerInput } from '../activities';
import type { Run } from '../platform/types';
import { ACTIVITY_START_TO_CLOSE, CANCEL_DEADLINE, READ_RETRY, TRIGGER_RETRY, triggerTaskQueue } from './policies';
import { cascadeMetrics } from './sinks';
import type { ExecutionInput, ExecutionResult } from './types';

const { cancelRun } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: CANCEL_DEADLINE,
  retry: READ_RETRY,
});

/** A workflow's first task sees WorkflowExecutionStarted, WorkflowTaskScheduled and WorkflowTaskStarted. */
const FIRST_TASK_HISTORY_LENGTH = 3;

/**
 * Triggers one tracked run on one stack. Cancellation waits for a trigger that is out, then cancels the run it
 * created, so a cancelled chain never leaves behind a queued run that nobody asked for.
 */
export async function StackExecutionWorkflow(input: ExecutionInput): Promise<ExecutionResult> {
  const stackId = requireStackId(input);
  const triggerStackRun = input.local_trigger === true ? localTrigger() : queuedTrigger();
  let run: Run;
  try {
    run = await CancellationScope.nonCancellable(() => triggerStackRun({ stackId, intentAt: workflowInfo().startTime.getTime() }));
  } catch (err) {
    // The activity already spent its retries; re-running this whole workflow would only multiply
    // runTrigger calls, so the failure is final for the child's own retry policy.
    throw ApplicationFailure.nonRetryable(`triggering a run on stack ${stackId} failed: ${causeMessage(err)}`, 'TriggerFailed');
  }
  cascadeMetrics.runTriggered();
  if (CancellationScope.current().consideredCancelled) {
    const stopped = await CancellationScope.nonCancellable(() => cancelRun({ stackId, runId: run.id })).then(
      ({ state }) => `run ${state}`,
      (err: unknown) => `not cancelled: ${causeMessage(err)}`,
    );
    log.info('cancelled while triggering; the run it created is stopped', { stackId, runId: run.id, result: stopped });
    throw new CancelledFailure(`cancelled while triggering stack ${stackId}; run ${run.id}: ${stopped}`);
  }
  return { stack_id: stackId, run };
}

/** On the trigger queue, where the server holds triggers to SPACELIFT_TRIGGER_RATE; retries are counted by the server. */
function queuedTrigger(): (input: TriggerInput) => Promise<Run> {
  return proxyActivities<Activities>({
    taskQueue: triggerTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
    retry: TRIGGER_RETRY,
  }).triggerStackRun;
}

/**
 * In the workflow task itself (no rate to keep): the child triggers and completes in one task. A local activity's
 * attempts restart at 1 when its workflow task is retried (a worker died mid-trigger), so a retried task (a history
 * longer than the first task's) looks for the run an earlier task may have created before triggering.
 */
function localTrigger(): (input: TriggerInput) => Promise<Run> {
  const { triggerStackRun } = proxyLocalActivities<Activities>({ startToCloseTimeout: ACTIVITY_START_TO_CLOSE, retry: TRIGGER_RETRY });
  const lookFirst = workflowInfo().historyLength > FIRST_TASK_HISTORY_LENGTH;
  return (trigger) => triggerStackRun({ ...trigger, ...(lookFirst ? { lookFirst } : {}) });
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
