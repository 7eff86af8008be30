/**
 * Workflow interceptor module (bundled into the workflow bundle, runs in the workflow sandbox: deterministic code
 * only). It applies the OpenTelemetry workflow interceptors of @temporalio/interceptors-opentelemetry to a workflow
 * only when its start carried a trace context, i.e. when it was started by a traced client or a traced parent:
 * - a cascade started before this version (or while tracing was off) replays exactly as it ran: the interceptors
 *   delay continuations by a few microtasks, which could reorder the commands of an old history;
 * - with tracing off, workflows build no spans at all.
 * The decision is made once, from the start headers, which a replay sees unchanged.
 */
import type {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

type OtelWorkflow = typeof import('@temporalio/interceptors-opentelemetry/lib/workflow');
/**
 * Loaded on first use: an untraced workflow never evaluates the OpenTelemetry SDK bundled for the sandbox (about
 * 0.7 MB of code, and the memory its module state takes in every workflow context).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: see above
const otel = (): OtelWorkflow => require('@temporalio/interceptors-opentelemetry/lib/workflow') as OtelWorkflow;

/** The header the interceptors package carries the trace context in (its TRACE_HEADER). */
const TRACE_HEADER = '_tracer-data';

export const interceptors = (): WorkflowInterceptors => {
  let traced = false;
  // Built on first use: their constructors set up the sandbox's tracer provider.
  let inbound: OpenTelemetryInboundInterceptor | undefined;
  let outbound: OpenTelemetryOutboundInterceptor | undefined;
  const otelIn = () => (inbound ??= new (otel().OpenTelemetryInboundInterceptor)());
  const otelOut = () => (outbound ??= new (otel().OpenTelemetryOutboundInterceptor)());

  const gatedInbound: WorkflowInboundCallsInterceptor = {
    execute: (input, next) => {
      traced = input.headers[TRACE_HEADER] !== undefined;
      return traced ? otelIn().execute(input, next) : next(input);
    },
    handleSignal: (input, next) => (traced ? otelIn().handleSignal(input, next) : next(input)),
    handleUpdate: (input, next) => (traced ? otelIn().handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => (traced ? otelIn().validateUpdate(input, next) : next(input)),
    handleQuery: (input, next) => (traced ? otelIn().handleQuery(input, next) : next(input)),
  };
  const gatedOutbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (traced ? otelOut().scheduleActivity(input, next) : next(input)),
    scheduleLocalActivity: (input, next) => (traced ? otelOut().scheduleLocalActivity(input, next) : next(input)),
    startChildWorkflowExecution: (input, next) => (traced ? otelOut().startChildWorkflowExecution(input, next) : next(input)),
    startNexusOperation: (input, next) => (traced ? otelOut().startNexusOperation(input, next) : next(input)),
    continueAsNew: (input, next) => (traced ? otelOut().continueAsNew(input, next) : next(input)),
    signalWorkflow: (input, next) => (traced ? otelOut().signalWorkflow(input, next) : next(input)),
    getLogAttributes: (input, next) => (traced ? otelOut().getLogAttributes(input, next) : next(input)),
  };
  const internals: WorkflowInternalsInterceptor = {
    // The package's dispose is async where the SDK's hook returns void, and the SDK does not wait for it: say so.
    dispose: (input, next) => (traced ? void new (otel().OpenTelemetryInternalsInterceptor)().dispose(input, next) : next(input)),
  };
  return { inbound: [gatedInbound], outbound: [gatedOutbound], internals: [internals] };
};
