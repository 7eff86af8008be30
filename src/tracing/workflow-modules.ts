/**
 * The OpenTelemetry workflow interceptors of @temporalio/interceptors-opentelemetry (inbound, outbound, internals),
 * bundled into every workflow bundle whether tracing is on or not: a bundle is built once, at build time. Their spans
 * reach the worker through the `exporter` sink (workflow-span-sinks.ts), which drops them while tracing is off.
 *
 * The same module is named in scripts/build-workflow-bundle.mjs (production) and test/support/temporal.ts (tests).
 */
export const OTEL_WORKFLOW_INTERCEPTORS = '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';

/** Resolved on demand: inside the single binary there is no node_modules (and no bundling from source). */
export function workflowInterceptorModules(): string[] {
  return [require.resolve(OTEL_WORKFLOW_INTERCEPTORS)];
}
