import type { Tracing, TracingOptions } from './types';

let installed: Tracing | undefined;

/**
 * Starts OpenTelemetry tracing for this process: the global tracer provider, W3C trace context, the undici
 * instrumentation and the Temporal interceptors. Once per process, like the Temporal Runtime; the OpenTelemetry
 * SDK is loaded only here, so a process without tracing never pays for it.
 */
export async function installTracing(options: TracingOptions): Promise<Tracing> {
  if (installed) throw new Error('tracing is already installed in this process');
  const { startTracing } = await import('./start-tracing');
  installed = startTracing(options);
  return installed;
}

/** The tracing installed in this process, if any: createWorker and the listener's client pick it up. */
export function installedTracing(): Tracing | undefined {
  return installed;
}
