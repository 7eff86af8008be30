export { createCascadeMetrics, type CascadeMetrics, type PlatformCallMetrics, type WebhookOutcome } from './cascade-metrics';
export { instrumentSpacelift, instrumentTerraform } from './instrument-spacelift';
export { Counter, Gauge, Histogram, PROMETHEUS_CONTENT_TYPE, Registry } from './registry';
export { createWorkflowSinks } from './workflow-sinks';
export { serveMetrics, type MetricsServer } from './serve-metrics';
