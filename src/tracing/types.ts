/** The tracing port: what the listener and the worker wire in when tracing is on. */
import type { ActivityInterceptorsFactory, InjectedSink } from '@temporalio/worker';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  serviceName: string;
  /** Where spans go: an OTLP/HTTP collector, or (tests) any span exporter. */
  export: { url: string; headers: Record<string, string> } | { exporter: SpanExporter };
  /** Origins (https://acme.app.spacelift.io) whose HTTP calls get a span; others (notifications) get none. */
  tracedOrigins: readonly string[];
}

/** What the listener and the worker wire in when tracing is on (src/tracing/start-tracing.ts). */
export interface Tracing {
  /** Starting, signalling or querying a workflow carries the caller's trace context in the Temporal headers. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** One span per activity execution, child of the workflow's StartActivity span. */
  activityInterceptors: ActivityInterceptorsFactory[];
  /** The worker end of the workflow interceptors' spans (see workflow-span-sinks.ts). */
  workflowExporter: InjectedSink<OpenTelemetryWorkflowExporter>;
  /** Exports what is buffered; shutdown() also stops exporting. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}
