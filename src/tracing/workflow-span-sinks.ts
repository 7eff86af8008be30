import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks } from '@temporalio/worker';
import type { Tracing } from './types';

/**
 * The `exporter` sink the bundled workflow interceptors call with their finished spans: the tracing's span processor
 * when tracing is on, a no-op otherwise. Always registered, because the SDK logs every call to an unregistered sink
 * as an error. Not called on replay, so a replayed workflow task exports nothing twice.
 */
export function workflowSpanSinks(tracing?: Tracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: tracing?.workflowExporter ?? { export: { fn: () => undefined, callDuringReplay: false } } };
}
