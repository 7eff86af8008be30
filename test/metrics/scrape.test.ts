// GET /metrics of the real commands, scraped while a cascade runs and parsed by a Prometheus text parser: our own
// families, the Node process metrics and the Temporal core's worker metrics come from one endpoint. `serve` serves
// it on the listener; `worker` alone on METRICS_PORT.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getMetricsFromStream, type PromData, type PromHistogramData, type PromMetrics } from 'prom2javascript';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PROMETHEUS_CONTENT_TYPE } from '../../src/metrics';
import { signPayload } from '../../src/webhook';
import { CHAIN_WORKFLOW_TYPE } from '../../src/workflows/types';
import { loadFixtureAccount, startFakeSpacelift, type FakeSpacelift } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { within } from '../support/within';
import { freePort } from '../cli/free-port';
import { cliEnv, REPO, startCli } from '../cli/run-cli';

const SECRET = 'scrape-test-webhook-secret';
const CASCADE_ID = 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001';
const webhook = readFileSync(join(REPO, 'fixtures', 'webhooks', 'run-finished-tracked.json'));

let env: TestWorkflowEnvironment;
let fake: FakeSpacelift;
t.before(async () => {
  env = await createDevEnv();
  fake = await startFakeSpacelift({ stacks: loadFixtureAccount() });
});
t.teardown(async () => {
  await fake?.close();
  await env?.teardown();
});

const spaceliftEnv = (taskQueue: string) => ({
  TEMPORAL_URL: env.address,
  TEMPORAL_TASK_QUEUE: taskQueue,
  SPACELIFT_API_ENDPOINT: fake.url,
  SPACELIFT_API_KEY_ID: fake.apiKeyId,
  SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
  SHUTDOWN_GRACE_MS: '3000',
});

/** Scrapes and parses; the parser rejects a malformed line or a histogram whose +Inf bucket is not its count. */
async function scrape(port: number): Promise<PromMetrics> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (res.status !== 200 || res.headers.get('content-type') !== PROMETHEUS_CONTENT_TYPE)
    throw new Error(`GET /metrics answered ${res.status} ${res.headers.get('content-type')}`);
  return getMetricsFromStream(Readable.from([await res.text()]));
}

function family(metrics: PromMetrics, name: string, type: string): PromMetrics[string] {
  const found = metrics[name];
  if (!found) throw new Error(`no family ${name}; families: ${Object.keys(metrics).sort().join(' ')}`);
  if (found.type !== type) throw new Error(`${name} is a ${found.type}, not a ${type}`);
  return found;
}

/** The observations of a histogram, summed over the series whose labels include `labels`. */
function observations(metrics: PromMetrics, name: string, labels: Record<string, string>): number {
  return (family(metrics, name, 'histogram').data as PromHistogramData[])
    .filter((series) => Object.entries(labels).every(([k, v]) => series.labels[k] === v))
    .reduce((sum, series) => sum + series.count, 0);
}

function value(metrics: PromMetrics, name: string, type: string, labels: Record<string, string> = {}): number | undefined {
  return (family(metrics, name, type).data as PromData[]).find((series) => Object.entries(labels).every(([k, v]) => series.labels[k] === v))
    ?.value;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

t.test('serve: one scrape during a cascade has our families, Node process metrics and Temporal worker metrics', async (t) => {
  const taskQueue = uniqueTaskQueue('scrape-serve');
  const port = await freePort();
  const cli = await startCli(
    t,
    ['serve', '--webhook-host', '127.0.0.1', '--webhook-port', String(port)],
    cliEnv({ ...spaceliftEnv(taskQueue), SPACELIFT_WEBHOOK_SECRET: SECRET }),
  );
  const triggersBefore = fake.triggers.length;

  const delivery = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(webhook, SECRET) },
    body: webhook,
  });
  t.equal(delivery.status, 200, 'the cascade started');
  // Both dependents triggered: their runs are now watched, so the cascade is under way and stays so.
  await until('two triggers', () => fake.triggers.length - triggersBefore === 2);
  const metrics = await scrape(port);
  t.equal((await env.client.workflow.getHandle(CASCADE_ID).describe()).status.name, 'RUNNING', 'scraped while the cascade runs');

  const queue = { namespace: 'default', task_queue: taskQueue };
  t.ok(
    observations(metrics, 'temporal_activity_schedule_to_start_latency', queue) >= 2,
    'activity schedule-to-start latency, per task queue',
  );
  t.ok(observations(metrics, 'temporal_workflow_task_schedule_to_start_latency', queue) >= 1, 'workflow task schedule-to-start latency');
  t.ok(
    observations(metrics, 'temporal_workflow_task_execution_latency', { ...queue, workflow_type: 'CascadeWorkflow' }) >= 1,
    'workflow task execution latency, per workflow type',
  );
  t.ok(value(metrics, 'temporal_worker_task_slots_available', 'gauge', { ...queue, worker_type: 'ActivityWorker' })! > 0, 'activity slots');
  t.ok(
    value(metrics, 'temporal_activity_task_received', 'counter', {
      ...queue,
      task_queue: `${taskQueue}-triggers`,
      activity_type: 'triggerStackRun',
    })! >= 2,
    'activity tasks by type, on the trigger queue',
  );

  t.equal(value(metrics, 'spacelift_cascade_webhooks_total', 'counter', { outcome: 'started' }), 1);
  t.equal(value(metrics, 'spacelift_cascade_chains_started_total', 'counter'), 1);
  t.equal(value(metrics, 'spacelift_cascade_spacelift_requests_total', 'counter', { operation: 'triggerRun' }), 2);
  t.equal(observations(metrics, 'spacelift_cascade_webhook_duration_seconds', { outcome: 'started' }), 1);
  t.equal(value(metrics, 'spacelift_cascade_cascades_total', 'counter', { outcome: 'completed' }), 0);

  t.ok(value(metrics, 'process_resident_memory_bytes', 'gauge')! > 10e6, 'resident memory');
  t.ok(value(metrics, 'process_cpu_seconds_total', 'counter')! > 0, 'CPU');
  t.ok(value(metrics, 'process_open_fds', 'gauge')! > 0, 'open file descriptors');
  family(metrics, 'nodejs_eventloop_lag_seconds', 'gauge');
  family(metrics, 'nodejs_heap_size_used_bytes', 'gauge');
  family(metrics, 'nodejs_gc_duration_seconds', 'histogram');

  cli.child.kill('SIGTERM');
  t.equal((await within(15_000, 'exit after SIGTERM', cli.exited)).code, 0);
});

t.test('worker alone: METRICS_PORT serves its Temporal worker metrics and its Spacelift calls', async (t) => {
  const taskQueue = uniqueTaskQueue('scrape-worker');
  const metricsPort = await freePort();
  const cli = await startCli(
    t,
    ['worker', '--webhook-host', '127.0.0.1'],
    cliEnv({ ...spaceliftEnv(taskQueue), METRICS_PORT: String(metricsPort) }),
  );

  await within(
    60_000,
    'the chain to finish',
    env.client.workflow.execute(CHAIN_WORKFLOW_TYPE, { taskQueue, workflowId: `scrape-chain-${process.pid}`, args: [{ stack_id: 'vpc' }] }),
  );
  const metrics = await scrape(metricsPort);
  const queue = { namespace: 'default', task_queue: taskQueue };
  t.ok(observations(metrics, 'temporal_activity_schedule_to_start_latency', queue) >= 1, 'activity schedule-to-start latency');
  t.ok(
    value(metrics, 'temporal_workflow_completed', 'counter', { ...queue, workflow_type: CHAIN_WORKFLOW_TYPE })! >= 1,
    'completed workflows by type',
  );
  t.equal(value(metrics, 'spacelift_cascade_triggers_total', 'counter'), 2, 'the chain triggered both dependents');
  family(metrics, 'process_resident_memory_bytes', 'gauge');

  cli.child.kill('SIGTERM');
  t.equal((await within(15_000, 'exit after SIGTERM', cli.exited)).code, 0);
});
