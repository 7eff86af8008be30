/**
 * src/tracing/workflow-interceptors.ts (the OpenTelemetry workflow interceptors, for traced workflows only) goes
 * into every workflow bundle, whether tracing is on or not: a bundle is built once, at build time. Their spans reach
 * the worker through the `exporter` sink (workflow-span-sinks.ts), which drops them while tracing is off.
 *
 * The same module is named in scripts/build-workflow-bundle.mjs (production) and test/support/temporal.ts (tests).
 */
export function workflowInterceptorModules(): string[] {
  return [require.resolve('./workflow-interceptors')];
}
