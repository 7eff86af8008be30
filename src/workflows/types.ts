/** Workflow inputs and results: a compatibility contract with existing clients (snake_case keys). */
import type { AttachedContext, Run } from '../platform/types';

export const CHAIN_WORKFLOW_TYPE = 'StackDependencyChainWorkflow';
export const EXECUTION_WORKFLOW_TYPE = 'StackExecutionWorkflow';

/** `{"stack_id": "vpc"}` is the original input; the other fields are optional context from the webhook. */
export interface ChainInput {
  stack_id: string;
  /** The upstream run that finished (from the webhook); absent for manual starts. */
  run_id?: string;
  run_state?: string;
}

export interface DependentStackInfo {
  id: string;
  name: string;
  labels: string[];
  attachedContexts: AttachedContext[];
}

export type DependentOutcome =
  | { stack_id: string; stack_name: string; status: 'triggered'; run: Run }
  | { stack_id: string; stack_name: string; status: 'failed'; error: string };

export interface ChainResult {
  stack_id: string;
  run_id?: string;
  dependents: DependentOutcome[];
}

export interface ExecutionInput {
  stack_id: string;
  /** The chain that asked for this run (for logs and the at-most-once guard). */
  chain_workflow_id?: string;
  /**
   * Trigger in a local activity, on the worker that runs this workflow's task, instead of on the trigger queue. Set
   * by a chain whose worker has no SPACELIFT_TRIGGER_RATE (there is no rate to keep); absent: the trigger queue.
   */
  local_trigger?: boolean;
}

export interface ExecutionResult {
  stack_id: string;
  run: Run;
}
