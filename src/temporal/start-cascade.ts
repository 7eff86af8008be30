import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { CascadeConfig } from '../config/types';
import { toRunDelta } from '../platform/run-delta';
import type { RunDelta } from '../platform/types';
import { CASCADE_WORKFLOW_TYPE, type CascadeInput, type CascadeOptions } from '../workflows/cascade-types';
import { CHAIN_WORKFLOW_TYPE, type ChainInput } from '../workflows/types';
import { cascadeWorkflowId } from '../workflows/workflow-ids';

export interface StartCascadeRequest {
  stackId: string;
  runId: string;
  runState: string;
  /** Resources the run changed (the webhook's run.delta); null or absent when Spacelift did not say. */
  runDelta?: RunDelta | null;
}

export type StartCascadeOutcome = { status: 'started' | 'duplicate'; workflowId: string };

/** What a start needs besides the request: where, and which workflow with which options (CASCADE_*). */
export interface CascadeStartSettings {
  taskQueue: string;
  cascade: CascadeConfig;
}

/** The monitor's polling interval doubles up to this, unless CASCADE_POLL_INTERVAL is already longer. */
const POLL_MAX_MS = 10 * 60_000;

/**
 * Starts the cascade for one finished run, exactly once: the workflow ID is derived from stack + run in both
 * modes, and IDs are never reused, so a redelivery (even after the cascade completed) is reported as a duplicate.
 * Any other error propagates: the caller answers 503 and Spacelift redelivers.
 */
export async function startCascade(
  client: Client,
  settings: CascadeStartSettings,
  request: StartCascadeRequest,
): Promise<StartCascadeOutcome> {
  const workflowId = cascadeWorkflowId(request.stackId, request.runId);
  const { workflowType, args } = cascadeStart(request, settings.cascade);
  try {
    await client.workflow.start(workflowType, {
      taskQueue: settings.taskQueue,
      workflowId,
      args,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { status: 'started', workflowId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { status: 'duplicate', workflowId };
    throw err;
  }
}

/** graph: CascadeWorkflow with the run's delta and the configured options; direct: the original chain input. */
export function cascadeStart(
  request: StartCascadeRequest,
  cascade: CascadeConfig,
): { workflowType: string; args: [CascadeInput] | [ChainInput] } {
  if (cascade.mode === 'direct') {
    return { workflowType: CHAIN_WORKFLOW_TYPE, args: [{ stack_id: request.stackId, run_id: request.runId, run_state: request.runState }] };
  }
  return {
    workflowType: CASCADE_WORKFLOW_TYPE,
    args: [
      {
        stack_id: request.stackId,
        run_id: request.runId,
        run_state: request.runState,
        run_delta: toRunDelta(request.runDelta),
        options: cascadeOptions(cascade),
      },
    ],
  };
}

export function cascadeOptions(cascade: CascadeConfig): CascadeOptions {
  return {
    maxInFlight: cascade.maxInFlight,
    runTimeoutMs: cascade.runTimeoutMs,
    approvalTimeoutMs: cascade.approvalTimeoutMs,
    blackouts: cascade.blackouts,
    globalWhen: cascade.edgeMode,
    pollInitialMs: cascade.pollIntervalMs,
    pollMaxMs: Math.max(POLL_MAX_MS, cascade.pollIntervalMs),
    planTimeoutMs: cascade.planTimeoutMs,
    triggerAttempts: cascade.triggerAttempts,
  };
}
