// One webhook delivery, one trace: the delivery span → StartWorkflow → RunWorkflow → StartActivity → RunActivity →
// each Spacelift HTTP call, with the run monitor (a child workflow) and its polls in the same tree. Spans go to an
// in-memory exporter; the cascade runs on the time-skipping server with the production workflow interceptors.
// test/tracing/signal-trace.test.ts follows a run-state webhook into a waiting monitor.
import t from 'tap';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultCascadeConfig } from '../../src/config';
import { startCascade } from '../../src/temporal/start-cascade';
import { installTracing, workflowSpanSinks, type Tracing } from '../../src/tracing';
import { createCascadeMetrics, createWorkflowSinks } from '../../src/metrics';
import type { CascadeStatus } from '../../src/workflows/cascade-types';
import { FINISHED } from '../support/cascade-status';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift, type SpaceliftPair } from '../support/spacelift-setup';
import { createTimeSkippingEnv, workflowBundleCode } from '../support/temporal';
import { deliver, SECRET, startHarness } from '../webhook/harness';
import { ancestry, runEvent } from './trace-support';

const RUN_ID = '01JTRACEROOTRUN0000000001';

/** Whether `span` is `top` or below it. */
function isUnder(span: ReadableSpan, top: ReadableSpan, spans: readonly ReadableSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  for (let at: ReadableSpan | undefined = span; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined)
    if (at === top) return true;
  return false;
}
const WORKFLOW_ID = `cascade-vpc-${RUN_ID}`;

const exporter = new InMemorySpanExporter();
let env: TestWorkflowEnvironment;
let sl: SpaceliftPair;
let tracing: Tracing;
t.before(async () => {
  sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }], { defaultRunOutcome: FINISHED });
  tracing = await installTracing({ serviceName: 'cascade-test', export: { exporter }, tracedOrigins: [sl.fake.url] });
  env = await createTimeSkippingEnv();
});
t.teardown(async () => {
  await tracing?.shutdown();
  await env?.teardown();
  if (sl) await stopSpacelift(sl);
});

t.test('a delivery and the cascade it starts form one connected trace', async (t) => {
  const status = await withWorker(env, sl.client, async ({ taskQueue }) => {
    // The listener's client, as start-listener.ts builds it when tracing is on.
    const client = new Client({
      connection: env.connection,
      namespace: env.namespace ?? 'default',
      interceptors: { workflow: tracing.clientInterceptors },
    });
    const webhooks = await startHarness(t, {
      startCascade: (request) => startCascade(client, { taskQueue, cascade: defaultCascadeConfig() }, request),
    });
    const reply = await deliver(webhooks.port, runEvent('vpc', RUN_ID));
    t.same(reply.json, { status: 'started', workflowId: WORKFLOW_ID });
    return (await env.client.workflow.getHandle(WORKFLOW_ID).result()) as CascadeStatus;
  });
  t.match(status.stacks, [{ id: 'eks', state: 'finished' }]);
  await tracing.flush();

  const spans = exporter.getFinishedSpans();
  if (process.env.PRINT_TREE) {
    const ids = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const depth = (s: ReadableSpan): number => (s.parentSpanId && ids.get(s.parentSpanId) ? 1 + depth(ids.get(s.parentSpanId)!) : 0);
    for (const s of [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]))
      console.error('  '.repeat(depth(s)) + s.name + ' ' + JSON.stringify(s.attributes).slice(0, 160));
  }
  // The Java time-skipping server drops signal headers, so a signal handler's span starts a trace of its own here;
  // on a real server it joins the sender's (test/tracing/signal-trace.test.ts). Everything else is one tree.
  const signalled = spans.filter((span) => span.parentSpanId === undefined && span.name.startsWith('HandleSignal:'));
  t.ok(signalled.length >= 3, 'requestRun, runAssigned, runEnded: the signals between a cascade and its stack\u2019s workflow');
  const inTree = spans.filter((span) => !signalled.some((signal) => isUnder(span, signal, spans)));
  const roots = inTree.filter((span) => span.parentSpanId === undefined);
  t.same(
    roots.map((span) => span.name),
    ['POST /webhooks/spacelift'],
    'one root: the delivery',
  );
  const [root] = roots as [ReadableSpan];
  t.same(new Set(inTree.map((span) => span.spanContext().traceId)), new Set([root.spanContext().traceId]), 'every span in its trace');
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  for (const span of inTree) t.equal(ancestry(span, spans).at(-1), root.name, `${span.name} reaches the delivery`);

  t.match(root.attributes, {
    'http.request.method': 'POST',
    'http.route': '/webhooks/spacelift',
    'http.response.status_code': 200,
    'cascade.outcome': 'started',
    'cascade.stack_id': 'vpc',
    'cascade.run_id': RUN_ID,
    temporalWorkflowId: WORKFLOW_ID,
  });
  const named = (name: string) => spans.filter((span) => span.name === name);
  const [start] = named('StartWorkflow:CascadeWorkflow');
  t.match(start?.attributes, { temporalWorkflowId: WORKFLOW_ID, run_id: String });
  t.same(ancestry(named('RunWorkflow:CascadeWorkflow')[0], spans), [
    'RunWorkflow:CascadeWorkflow',
    'StartWorkflow:CascadeWorkflow',
    root.name,
  ]);
  const runWorkflow = named('RunWorkflow:CascadeWorkflow')[0];
  t.match(runWorkflow?.attributes, {
    workflowId: WORKFLOW_ID,
    workflowType: 'CascadeWorkflow',
    namespace: 'default',
    runId: start?.attributes.run_id,
  });
  t.same(
    Object.keys(runWorkflow?.attributes ?? {}).sort(),
    ['attempt', 'namespace', 'runId', 'taskQueue', 'workflowId', 'workflowType'],
    'the workflow\u2019s identity, not its whole WorkflowInfo',
  );

  const [plan] = named('RunActivity:planCascade');
  t.match(plan?.attributes, { temporalWorkflowId: WORKFLOW_ID, run_id: start?.attributes.run_id });
  t.same(ancestry(plan, spans), [
    'RunActivity:planCascade',
    'StartActivity:planCascade',
    'RunWorkflow:CascadeWorkflow',
    'StartWorkflow:CascadeWorkflow',
    root.name,
  ]);

  // Each Spacelift call is an HTTP client span under the activity that made it; the trigger and the monitor's poll too.
  const http = spans.filter((span) => span.attributes['url.full'] === `${sl.fake.url}/graphql`);
  t.ok(http.length >= 3, `Spacelift calls traced (${http.length})`);
  for (const call of http) t.match(call, { name: 'POST', attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200 } });
  const parentsOfCalls = new Set(http.map((call) => byId.get(call.parentSpanId ?? '')?.name));
  for (const activity of ['RunActivity:planCascade', 'RunActivity:triggerStackRun', 'RunActivity:getRunState'])
    t.ok(parentsOfCalls.has(activity), `${activity} calls Spacelift`);
  const [trigger] = named('RunActivity:triggerStackRun');
  // Triggered by the stack's own workflow, started (in this trace) by the cascade.
  t.match(trigger?.attributes, { 'cascade.stack_id': 'eks', temporalWorkflowId: 'stack-runs-eks' });
  t.same(ancestry(trigger, spans).slice(1, 4), [
    'StartActivity:triggerStackRun',
    'RunWorkflow:StackRunsWorkflow',
    'StartWorkflow:StackRunsWorkflow',
  ]);
  const eksRun = status.stacks.find((stack) => stack.id === 'eks')?.runId;
  t.type(eksRun, 'string');
  const [poller] = named('RunActivity:getRunState');
  t.equal(poller?.attributes['cascade.stack_id'], 'eks');
  t.equal(poller?.attributes['cascade.run_id'], eksRun, 'the poll names the run it reads');
  const poll = http.find((call) => byId.get(call.parentSpanId ?? '')?.name === 'RunActivity:getRunState')!;
  t.same(ancestry(poll, spans).slice(0, 5), [
    'POST',
    'RunActivity:getRunState',
    'StartActivity:getRunState',
    'RunWorkflow:RunMonitorWorkflow',
    'StartChildWorkflow:RunMonitorWorkflow',
  ]);

  const text = JSON.stringify(
    spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      status: span.status,
      resource: span.resource.attributes,
    })),
  );
  for (const secret of [sl.fake.apiKeySecret, SECRET]) t.notOk(text.includes(secret), 'no secret in any span');
  t.notMatch(text, /authorization|bearer/i, 'no credential header');
  t.match(root.resource.attributes, { 'service.name': 'cascade-test' });
});

t.test('a traced cascade replays without a determinism error; one started without a trace context builds no spans', async (t) => {
  const history = await env.client.workflow.getHandle(WORKFLOW_ID).fetchHistory();
  const replaySinks = { ...createWorkflowSinks(createCascadeMetrics()), ...workflowSpanSinks(tracing) };
  await t.resolves(
    Worker.runReplayHistory({ workflowBundle: { code: await workflowBundleCode() }, sinks: replaySinks }, history, WORKFLOW_ID),
  );

  exporter.reset();
  // A start without trace headers: `temporal workflow start`, an untraced listener, or a cascade from before tracing.
  await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc' }, 'cascade-untraced'));
  await tracing.flush();
  // The cascade's own workflow spans; the stack's workflow it starts from a (traced) activity is new, with no history
  // from before tracing to protect.
  const workflowSpans = exporter
    .getFinishedSpans()
    .filter(
      (span) =>
        /^(RunWorkflow|StartActivity|StartChildWorkflow|HandleSignal):/.test(span.name) &&
        span.attributes.workflowType === 'CascadeWorkflow',
    );
  t.same(
    workflowSpans.map((span) => span.name),
    [],
    'the workflow interceptors stay out of its way',
  );
  t.ok(
    exporter.getFinishedSpans().some((span) => span.name === 'RunActivity:planCascade'),
    'its activities are still traced, each its own root',
  );
});
