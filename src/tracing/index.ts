export { installTracing, installedTracing, type Tracing, type TracingOptions } from './install-tracing';
export { traceDelivery } from './trace-delivery';
export { workflowInterceptorModules } from './workflow-modules';
export { workflowSpanSinks } from './workflow-span-sinks';
export { startConfiguredTracing } from './configured-tracing';
