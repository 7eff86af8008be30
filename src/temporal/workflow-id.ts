/** Workflow IDs: deterministic so that a redelivered webhook maps onto the chain it already started. */

export function chainWorkflowId(stackId: string, runId: string): string {
  return `cascade-${stackId}-${runId}`;
}

/** The monitor of a run a graph cascade triggered (`spacelift-run-<runId>`), where the listener routes its webhooks. */
export { runMonitorWorkflowId } from '../workflows/cascade-types';
