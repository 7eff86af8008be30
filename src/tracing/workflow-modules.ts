/**
 * src/tracing/workflow-interceptors.ts (the OpenTelemetry workflow interceptors, for traced workflows only) goes
 * into the traced workflow bundle, which a worker loads when tracing is on (src/temporal/workflow-source.ts). Their
 * spans reach the worker through the `exporter` sink (workflow-span-sinks.ts).
 *
 * The same module is named in scripts/build-workflow-bundle.mjs (production) and test/support/temporal.ts (tests).
 */
export function workflowInterceptorModules(): string[] {
  return [require.resolve('./workflow-interceptors')];
}
