/** Workflow IDs: deterministic so that a redelivered webhook maps onto the chain it already started. */

export function chainWorkflowId(stackId: string, runId: string): string {
  return `cascade-${stackId}-${runId}`;
}
