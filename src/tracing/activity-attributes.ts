import { trace } from '@opentelemetry/api';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';

/**
 * Puts the stack and run an activity works on onto its RunActivity span: our activities take
 * `{ stackId, runId? }`, so a trace search by stack ID finds the trigger and the polls of that stack.
 */
export class CascadeActivityAttributes implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const span = trace.getActiveSpan();
    const [first] = input.args;
    if (span && typeof first === 'object' && first !== null) {
      const { stackId, runId } = first as { stackId?: unknown; runId?: unknown };
      if (typeof stackId === 'string') span.setAttribute('cascade.stack_id', stackId);
      if (typeof runId === 'string') span.setAttribute('cascade.run_id', runId);
    }
    return next(input);
  }
}
