import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Reply } from '../webhook/reply';

/** The OpenTelemetry API alone: without an installed provider (tracing off) every span is a no-op. */
const tracer = trace.getTracer('spacelift-cascade');

/** Reply fields that become span attributes: IDs only, never an error text or anything from a header. */
const ATTRIBUTE_OF_FIELD: Readonly<Record<string, string>> = {
  stackId: 'cascade.stack_id',
  runId: 'cascade.run_id',
  // The key @temporalio/interceptors-opentelemetry puts on its spans, so one query finds both.
  workflowId: 'temporalWorkflowId',
};

/**
 * One SERVER span per webhook delivery, the root of its own trace: the workflow start (or the signal to a run's
 * monitor) made while handling it becomes its child, and through the Temporal headers so do the workflow, its
 * activities and their API calls. An incoming traceparent is not trusted: anyone can send one.
 */
export function traceDelivery(method: string, path: string, handle: () => Promise<Reply>): Promise<Reply> {
  const attributes: Attributes = { 'http.request.method': method, 'http.route': path, 'url.path': path };
  return tracer.startActiveSpan(`${method} ${path}`, { kind: SpanKind.SERVER, root: true, attributes }, ROOT_CONTEXT, async (span) => {
    try {
      const reply = await handle();
      span.setAttribute('http.response.status_code', reply.status);
      if (reply.outcome) span.setAttribute('cascade.outcome', reply.outcome);
      for (const [field, value] of Object.entries(reply.fields ?? {})) {
        const attribute = ATTRIBUTE_OF_FIELD[field];
        if (attribute && typeof value === 'string') span.setAttribute(attribute, value);
      }
      if (reply.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return reply;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'NonError' });
      throw err;
    } finally {
      span.end();
    }
  });
}
