/**
 * Every workflow ID, in one place. Each is derived from what the caller already knows (a stack, a run), so a
 * redelivered webhook, the listener and the cascades find an execution without a lookup. Plain functions: workflow
 * code uses them too.
 */
import { platformOf } from '../platform/units';

/** A cascade (graph or direct chain), from the run whose webhook started it. IDs are never reused: a redelivery is a duplicate. */
export function cascadeWorkflowId(stackId: string, runId: string): string {
  return `cascade-${stackId}-${runId}`;
}

/** A direct chain's StackExecutionWorkflow for one dependent: unique per chain. */
export function chainChildWorkflowId(chainId: string, stackId: string): string {
  return `${chainId}/${stackId}`;
}

/** `stack-runs-<unit>`: one StackRunsWorkflow per stack (`stack-runs-app`) or workspace (`stack-runs-tfc:dns`) in the namespace. */
export function stackRunsWorkflowId(unitId: string): string {
  return `stack-runs-${unitId}`;
}

/** The monitor of one run (`spacelift-run-<runId>`, `tfc-run-<runId>`), where the listener routes the run's webhooks. */
export function runMonitorWorkflowId(runId: string, unit?: string): string {
  return unit !== undefined && platformOf(unit) === 'tfc' ? `tfc-run-${runId}` : `spacelift-run-${runId}`;
}
