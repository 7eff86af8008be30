/**
 * The Temporal core's worker and client metrics, on our own /metrics.
 *
 * The Runtime is installed with a metrics *buffer* (src/service/install-runtime.ts) instead of the core's
 * Prometheus exporter, which would serve a second HTTP port. Each update drained from the buffer is replayed into a
 * prom-client metric of the same registry. Names, units and histogram buckets are the ones the core's Prometheus
 * exporter uses by default (`temporal_` prefix, durations in milliseconds, counters without `_total`), so Temporal's
 * own Grafana dashboard for core-based SDKs (temporalio/dashboards sdk/temporal-core-sdks-otel.json) works unchanged.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BufferedMetricUpdate, MetricsBuffer } from '@temporalio/worker';

type Metric = BufferedMetricUpdate['metric'];

/**
 * Every attribute key sdk-core 1.24 puts on its metrics (crates/sdk-core/src/telemetry/metrics.rs,
 * crates/client/src/metrics.rs, and service_name from crates/common/src/telemetry.rs). prom-client needs the label
 * names up front; a key outside this list (a newer SDK) is left out of the series rather than failing the scrape.
 */
export const TEMPORAL_LABELS = [
  'service_name',
  'namespace',
  'task_queue',
  'workflow_type',
  'activity_type',
  'poller_type',
  'worker_type',
  'eager',
  'failure_reason',
  'operation',
  'status_code',
] as const;
type TemporalLabel = (typeof TEMPORAL_LABELS)[number];
const KNOWN_LABELS: ReadonlySet<string> = new Set(TEMPORAL_LABELS);

/**
 * Milliseconds: the core's default buckets per histogram (default_buckets_for in
 * crates/common/src/telemetry/metrics.rs), so quantiles match what its Prometheus exporter would report.
 */
const WORKFLOW_E2E_BUCKETS = [
  100, 500, 1000, 1500, 2000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 30_600_000, 86_400_000,
];
const WORKFLOW_TASK_BUCKETS = [1, 10, 20, 50, 100, 200, 500, 1000];
const ACTIVITY_EXECUTION_BUCKETS = [50, 100, 500, 1000, 5000, 10_000, 60_000];
const SCHEDULE_TO_START_BUCKETS = [100, 500, 1000, 5000, 10_000, 100_000, 1_000_000];
const DEFAULT_BUCKETS = [50, 100, 500, 1000, 2500, 10_000];

const BUCKETS_BY_NAME: Readonly<Record<string, number[]>> = {
  workflow_endtoend_latency: WORKFLOW_E2E_BUCKETS,
  workflow_task_execution_latency: WORKFLOW_TASK_BUCKETS,
  workflow_task_replay_latency: WORKFLOW_TASK_BUCKETS,
  activity_execution_latency: ACTIVITY_EXECUTION_BUCKETS,
  workflow_task_schedule_to_start_latency: SCHEDULE_TO_START_BUCKETS,
  activity_schedule_to_start_latency: SCHEDULE_TO_START_BUCKETS,
};

/** The buffer holds the updates between two drains (the SDK's default size; core preallocates it). A drain every second
 * keeps it far below this: a short cascade makes a few hundred updates in all. */
export const TEMPORAL_METRICS_BUFFER_SIZE = 10_000;
const DRAIN_INTERVAL_MS = 1_000;

type Recorder = (value: number, labels: Partial<Record<TemporalLabel, string>>) => void;

export interface TemporalMetricsBridge {
  /** Moves every buffered update into the registry; called before each scrape and once a second. */
  drain(): void;
  stop(): void;
}

export function bridgeTemporalMetrics(buffer: Pick<MetricsBuffer, 'retrieveUpdates'>, registry: Registry): TemporalMetricsBridge {
  const recorders = new Map<string, Recorder>();
  const recorderFor = (metric: Metric): Recorder => {
    let recorder = recorders.get(metric.name);
    if (!recorder) {
      recorder = createRecorderOrSkip(metric, registry);
      recorders.set(metric.name, recorder);
    }
    return recorder;
  };
  const drain = (): void => {
    for (const { metric, value, attributes } of buffer.retrieveUpdates()) recorderFor(metric)(value, labelsOf(attributes));
  };
  // Unref'd: a process that is otherwise done must not stay up for its metrics.
  const timer = setInterval(drain, DRAIN_INTERVAL_MS).unref();
  return { drain, stop: () => clearInterval(timer) };
}

/** A metric prom-client refuses (a name a newer SDK might emit) is skipped: it must not fail every scrape. */
function createRecorderOrSkip(metric: Metric, registry: Registry): Recorder {
  try {
    return createRecorder(metric, registry);
  } catch {
    return () => undefined;
  }
}

function createRecorder(metric: Metric, registry: Registry): Recorder {
  const config = { name: metric.name, help: metric.description || metric.name, labelNames: TEMPORAL_LABELS, registers: [registry] };
  switch (metric.kind) {
    case 'counter': {
      const counter = new Counter<TemporalLabel>(config);
      return (delta, labels) => counter.inc(labels, delta);
    }
    case 'up-down-counter': {
      const gauge = new Gauge<TemporalLabel>(config);
      return (delta, labels) => gauge.inc(labels, delta);
    }
    case 'gauge': {
      const gauge = new Gauge<TemporalLabel>(config);
      return (value, labels) => gauge.set(labels, value);
    }
    case 'histogram': {
      const histogram = new Histogram<TemporalLabel>({ ...config, buckets: bucketsFor(metric.name) });
      return (value, labels) => histogram.observe(labels, value);
    }
  }
}

function bucketsFor(name: string): number[] {
  return BUCKETS_BY_NAME[name.replace(/^temporal_/, '')] ?? DEFAULT_BUCKETS;
}

function labelsOf(attributes: Readonly<Record<string, string | number | boolean>>): Partial<Record<TemporalLabel, string>> {
  const labels: Partial<Record<TemporalLabel, string>> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (KNOWN_LABELS.has(key)) labels[key as TemporalLabel] = String(value);
  }
  return labels;
}
