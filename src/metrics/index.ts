export {
  createCascadeMetrics,
  PROMETHEUS_CONTENT_TYPE,
  type CascadeMetrics,
  type CascadeMetricsOptions,
  type PlatformCallMetrics,
  type WebhookOutcome,
} from './cascade-metrics';
export { instrumentSpacelift, instrumentTerraform } from './instrument-spacelift';
export { bridgeTemporalMetrics, TEMPORAL_METRICS_BUFFER_SIZE, type TemporalMetricsBridge } from './temporal-metrics';
export { createWorkflowSinks } from './workflow-sinks';
export { serveMetrics, type MetricsServer } from './serve-metrics';
