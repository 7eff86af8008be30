export { installTracing, installedTracing } from './install-tracing';
export type { Tracing, TracingOptions } from './types';
export { traceDelivery } from './trace-delivery';
export { workflowInterceptorModules } from './workflow-modules';
export { workflowSpanSinks } from './workflow-span-sinks';
export { startConfiguredTracing } from './configured-tracing';
