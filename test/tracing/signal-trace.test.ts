// A run-state webhook that ends a monitor's wait is a trace of its own: the delivery → DescribeWorkflow and
// SignalWorkflow:runState → the monitor's HandleSignal:runState. On the dev server: the Java time-skipping test
// server drops a signal's headers, and with them the trace context.
import t from 'tap';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createMonitorRouter } from '../../src/service/monitor-router';
import { defaultCascadeConfig } from '../../src/config';
import { startCascade } from '../../src/temporal/start-cascade';
import { installTracing, type Tracing } from '../../src/tracing';
import { FINISHED } from '../support/cascade-status';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift, type SpaceliftPair } from '../support/spacelift-setup';
import { createDevEnv } from '../support/temporal';
import { deliver, startHarness } from '../webhook/harness';
import { ancestry, runEvent, until } from './trace-support';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

const exporter = new InMemorySpanExporter();
let env: TestWorkflowEnvironment;
let sl: SpaceliftPair;
let tracing: Tracing;
t.before(async () => {
  sl = await startSpacelift([{ id: 'net' }, { id: 'web', labels: ['dependsOn:net'] }], { defaultRunOutcome: FINISHED });
  tracing = await installTracing({ serviceName: 'cascade-test', export: { exporter }, tracedOrigins: [sl.fake.url] });
  env = await createDevEnv();
});
t.teardown(async () => {
  await tracing?.shutdown();
  await env?.teardown();
  if (sl) await stopSpacelift(sl);
});

t.test('the webhook that ends a monitor’s wait is its own trace, down to the monitor’s signal handler', async (t) => {
  await withWorker(env, sl.client, async ({ taskQueue }) => {
    const client = new Client({
      connection: env.connection,
      namespace: env.namespace ?? 'default',
      interceptors: { workflow: tracing.clientInterceptors },
    });
    const webhooks = await startHarness(t, {
      startCascade: (request) => startCascade(client, { taskQueue, cascade: defaultCascadeConfig() }, request),
      routeRunState: createMonitorRouter(client),
    });
    t.match((await deliver(webhooks.port, runEvent('net', 'RUNNET1'))).json, { status: 'started' });
    // The monitor's first poll is a minute away (CASCADE_POLL_INTERVAL): only the webhook can end its wait here.
    await until('the trigger of web', () => sl.fake.triggers.some((trigger) => trigger.stackId === 'web'));
    const webRun = sl.fake.triggers.find((trigger) => trigger.stackId === 'web')!.runId;
    const monitor = env.client.workflow.getHandle(runMonitorWorkflowId(webRun, 'web'));
    await until('the monitor of web', () =>
      monitor.describe().then(
        (d) => d.status.name === 'RUNNING',
        () => false,
      ),
    );
    t.match((await deliver(webhooks.port, runEvent('web', webRun, `api::${sl.fake.apiKeyId}`))).json, { status: 'delivered' });
    await env.client.workflow.getHandle('cascade-net-RUNNET1').result();
  });
  await tracing.flush();

  const spans = exporter.getFinishedSpans();
  const roots = spans.filter((span) => span.parentSpanId === undefined);
  t.same(
    roots.map((span) => span.attributes['cascade.outcome']).sort(),
    ['delivered', 'started'],
    'two deliveries, two traces, nothing else',
  );
  const delivered = roots.find((span) => span.attributes['cascade.outcome'] === 'delivered')!;
  t.match(delivered.attributes, { 'cascade.stack_id': 'web', 'http.response.status_code': 200 });
  const inTrace = spans.filter((span) => span.spanContext().traceId === delivered.spanContext().traceId);
  t.same(inTrace.map((span) => span.name).sort(), [
    'DescribeWorkflow',
    'HandleSignal:runState',
    'POST /webhooks/spacelift',
    'SignalWorkflow:runState',
  ]);
  const handler = inTrace.find((span) => span.name === 'HandleSignal:runState')!;
  t.same(ancestry(handler, spans), ['HandleSignal:runState', 'SignalWorkflow:runState', 'POST /webhooks/spacelift']);
  t.match(handler.attributes, { workflowId: runMonitorWorkflowId(webRun(), 'web') });
  for (const span of spans) t.equal(ancestry(span, spans).at(-1), 'POST /webhooks/spacelift', `${span.name} reaches a delivery`);
});

function webRun(): string {
  return sl.fake.triggers.find((trigger) => trigger.stackId === 'web')!.runId;
}
