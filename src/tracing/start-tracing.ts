import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { VERSION } from '../cli/version';
import { CascadeActivityAttributes } from './activity-attributes';
import type { Tracing, TracingOptions } from './types';
import type { InjectedSink } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';

export const TRACER_NAME = 'spacelift-cascade';
/** The last export on shutdown may wait this long for a slow collector; SIGTERM's grace is for the cascades. */
const SHUTDOWN_EXPORT_MS = 2_000;

/** Loaded by installTracing only: everything here pulls in the OpenTelemetry SDK. */
export function startTracing(options: TracingOptions): Tracing {
  const resource = new Resource({ 'service.name': options.serviceName, 'service.version': VERSION });
  const exporter: SpanExporter = 'exporter' in options.export ? options.export.exporter : new OTLPTraceExporter(options.export);
  const processor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Global: the AsyncLocalStorage context manager and W3C trace-context propagation that the interceptors use.
  provider.register();
  const tracer = provider.getTracer(TRACER_NAME, VERSION);

  const traced = new Set(options.tracedOrigins.map((origin) => new URL(origin).origin));
  const undici = new UndiciInstrumentation({
    // Only the platform APIs: a Slack notification URL is itself a credential and must never become an attribute.
    ignoreRequestHook: (request) => !traced.has(request.origin),
  });
  undici.setTracerProvider(provider);
  undici.enable();

  return {
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
      // After the one above, so that its RunActivity span is the active one.
      () => ({ inbound: new CascadeActivityAttributes() }),
    ],
    workflowExporter: withWorkflowAttributes(makeWorkflowExporter(processor, provider.resource)),
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      undici.disable();
      await withinMs(SHUTDOWN_EXPORT_MS, provider.shutdown());
    },
  };
}

/**
 * The interceptors package copies the whole WorkflowInfo onto every workflow span (memo, search attributes, last
 * result, …): about 1 kB a span, and data nobody asked to export. These identify the workflow; nothing else goes.
 */
const WORKFLOW_ATTRIBUTES = ['namespace', 'taskQueue', 'workflowType', 'workflowId', 'runId', 'attempt'] as const;

function withWorkflowAttributes(sink: InjectedSink<OpenTelemetryWorkflowExporter>): InjectedSink<OpenTelemetryWorkflowExporter> {
  return {
    export: {
      ...sink.export,
      // The sink only spreads `info` into the spans' attributes, so the subset stands in for the whole.
      fn: (info, spans) =>
        sink.export.fn(Object.fromEntries(WORKFLOW_ATTRIBUTES.map((key) => [key, info[key]])) as unknown as WorkflowInfo, spans),
    },
  };
}

async function withinMs(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
