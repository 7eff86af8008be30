// The Temporal core's buffered metric updates, replayed into our registry the way the core's own Prometheus
// exporter would show them. test/metrics/scrape.test.ts checks the same against a real worker.
import t from 'tap';
import { Readable } from 'node:stream';
import { getMetricsFromStream, type PromData, type PromHistogramData } from 'prom2javascript';
import type { BufferedMetricUpdate } from '@temporalio/worker';
import { createCascadeMetrics } from '../../src/metrics';

type Kind = BufferedMetricUpdate['metric']['kind'];

/** A stand-in for the Runtime's MetricsBuffer: each drain returns what was pushed since the last one. */
function fakeBuffer() {
  let pending: BufferedMetricUpdate[] = [];
  const metric = (name: string, kind: Kind, unit?: string) => ({
    name,
    kind,
    unit,
    description: `${name} help`,
    valueType: 'int' as const,
  });
  return {
    retrieveUpdates: () => {
      const drained = pending;
      pending = [];
      return drained.values();
    },
    push(name: string, kind: Kind, value: number, attributes: Record<string, string | number | boolean>, unit?: string) {
      pending.push({ metric: metric(name, kind, unit), value, attributes });
    },
  };
}

const queue = { service_name: 'temporal-core-sdk', namespace: 'default', task_queue: 'q' };

t.test('counters add deltas, gauges take the last value, up-down counters add signed deltas', async (t) => {
  const buffer = fakeBuffer();
  const metrics = createCascadeMetrics({ temporal: buffer });
  buffer.push('temporal_workflow_completed', 'counter', 1, { ...queue, workflow_type: 'CascadeWorkflow' });
  buffer.push('temporal_workflow_completed', 'counter', 2, { ...queue, workflow_type: 'CascadeWorkflow' });
  buffer.push('temporal_sticky_cache_size', 'gauge', 7, queue);
  buffer.push('temporal_sticky_cache_size', 'gauge', 3, queue);
  buffer.push('temporal_num_pollers', 'up-down-counter', 5, { ...queue, poller_type: 'activity_task' });
  buffer.push('temporal_num_pollers', 'up-down-counter', -2, { ...queue, poller_type: 'activity_task' });
  const families = await getMetricsFromStream(Readable.from([await metrics.exposition()]));

  t.match(families.temporal_workflow_completed, { type: 'counter', help: 'temporal_workflow_completed help' });
  t.same(families.temporal_workflow_completed?.data, [{ labels: { ...queue, workflow_type: 'CascadeWorkflow' }, value: 3 }]);
  t.same((families.temporal_sticky_cache_size?.data as PromData[])[0]?.value, 3);
  t.same((families.temporal_num_pollers?.data as PromData[])[0], { labels: { ...queue, poller_type: 'activity_task' }, value: 3 });
});

t.test('histograms keep the core’s millisecond buckets per metric; attribute values become label strings', async (t) => {
  const buffer = fakeBuffer();
  const metrics = createCascadeMetrics({ temporal: buffer });
  buffer.push('temporal_activity_schedule_to_start_latency', 'histogram', 250, queue, 'ms');
  buffer.push('temporal_activity_schedule_to_start_latency', 'histogram', 20_000, queue, 'ms');
  buffer.push('temporal_request_latency', 'histogram', 12, { ...queue, operation: 'StartWorkflowExecution' }, 'ms');
  buffer.push('temporal_activity_task_received', 'counter', 1, { ...queue, activity_type: 'planCascade', eager: false });
  const families = await getMetricsFromStream(Readable.from([await metrics.exposition()]));

  const [schedule] = families.temporal_activity_schedule_to_start_latency?.data as PromHistogramData[];
  t.same(schedule?.buckets, { '100': 0, '500': 1, '1000': 1, '5000': 1, '10000': 1, '100000': 2, '1000000': 2, '+Inf': 2 });
  t.same([schedule?.count, schedule?.sum], [2, 20_250]);
  const [request] = families.temporal_request_latency?.data as PromHistogramData[];
  t.same(
    Object.keys(request?.buckets ?? {}).sort(),
    ['+Inf', '100', '1000', '10000', '2500', '50', '500'],
    'any other histogram: the core’s default buckets',
  );
  t.equal((families.temporal_activity_task_received?.data as PromData[])[0]?.labels.eager, 'false');
});

t.test('an attribute the core did not have in 1.24 is left out; a name prom-client refuses is skipped, not fatal', async (t) => {
  const buffer = fakeBuffer();
  const metrics = createCascadeMetrics({ temporal: buffer });
  buffer.push('temporal_worker_start', 'counter', 1, { ...queue, brand_new_key: 'x' });
  buffer.push('temporal metric with spaces', 'counter', 1, queue);
  const families = await getMetricsFromStream(Readable.from([await metrics.exposition()]));
  t.same(families.temporal_worker_start?.data, [{ labels: queue, value: 1 }]);
  t.notOk(Object.keys(families).some((name) => name.includes('spaces')));
});

t.test('updates are drained once a second even when nobody scrapes', async (t) => {
  const buffer = fakeBuffer();
  const metrics = createCascadeMetrics({ temporal: buffer });
  buffer.push('temporal_worker_start', 'counter', 1, queue);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  t.match(await metrics.registry.getSingleMetricAsString('temporal_worker_start'), /^temporal_worker_start\{.*\} 1$/m);
});

t.test('process metrics under their standard names, only when asked for', async (t) => {
  const metrics = createCascadeMetrics({ processMetrics: true });
  // Event-loop lag is sampled every 10 ms and reset by each scrape; a scrape with no sample reads NaN, which this
  // parser does not accept (Prometheus does).
  await new Promise((resolve) => setTimeout(resolve, 100));
  const families = await getMetricsFromStream(Readable.from([await metrics.exposition()]));
  for (const name of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'process_open_fds',
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
    'nodejs_gc_duration_seconds',
  ]) {
    t.ok(families[name], name);
  }
  t.notOk(
    Object.keys(await getMetricsFromStream(Readable.from([await createCascadeMetrics().exposition()]))).some((name) =>
      name.startsWith('process_'),
    ),
  );
});
