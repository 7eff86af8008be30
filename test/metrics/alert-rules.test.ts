// deploy/prometheus/spacelift-cascade.rules.yml against what /metrics really exports: every metric a rule names is
// a family of the exposition of a worker that ran cascades (our families, the Node process metrics and the
// Temporal core's, including the ones only an incident emits: a failing workflow task and a cache eviction),
// and every rule has a severity, a summary and a runbook pointing at a README section that exists.
// This file installs its own Temporal Runtime (with the metrics buffer /metrics drains), so it imports nothing
// from test/support/temporal.ts, which installs another.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, MetricsBuffer, Runtime, bundleWorkflowCode, makeTelemetryFilterString } from '@temporalio/worker';
import { createCascadeMetrics, TEMPORAL_METRICS_BUFFER_SIZE } from '../../src/metrics';
import { testServerExecutable } from '../../src/temporal/local-servers';
import { createWorker } from '../../src/service/create-worker';
import { CASCADE_WORKFLOW_TYPE } from '../../src/workflows/cascade-types';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';

const REPO = join(__dirname, '..', '..');
const RULES = join(REPO, 'deploy', 'prometheus', 'spacelift-cascade.rules.yml');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((group) => group.rules);

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'le',
  'inf',
  'nan',
]);

/** The metric names in a PromQL expression: identifiers that are not functions, keywords, labels or literals. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[1])
    .filter((name) => !PROMQL_WORDS.has(name.toLowerCase()));
  return [...new Set(names)];
}

t.test('the parser of metric names', async (t) => {
  t.same(metricNames('histogram_quantile(0.95, sum by (le, task_queue) (rate(a_bucket{x="y z"}[10m]))) > 5000'), ['a_bucket']);
  t.same(metricNames('sum(rate(a{error="E"}[15m])) / sum(rate(b[15m])) > 0.05 and c == 0'), ['a', 'b', 'c']);
});

t.test('every rule: an alert name, an expression, a severity, a summary and a runbook in the README', async (t) => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
  const anchors = new Set(
    [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .trim()
        .replace(/ /g, '-'),
    ),
  );
  t.ok(rules.length >= 20, `${rules.length} rules`);
  t.equal(new Set(rules.map((r) => r.alert)).size, rules.length, 'alert names are unique');
  for (const rule of rules) {
    t.match(rule.alert, /^SpaceliftCascade[A-Za-z]+$/, rule.alert);
    t.ok(['page', 'warning', 'info'].includes(rule.labels?.severity ?? ''), `${rule.alert}: severity ${rule.labels?.severity}`);
    t.ok((rule.annotations?.summary ?? '').length > 20, `${rule.alert}: a summary`);
    const anchor = /^README\.md#([a-z0-9-]+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1];
    t.ok(anchor && anchors.has(anchor), `${rule.alert}: runbook ${rule.annotations?.runbook_url} is a README section`);
    t.ok(metricNames(rule.expr).length > 0, `${rule.alert} names a metric`);
  }
});

t.test('every metric the rules name is a family of the /metrics exposition of a worker that ran cascades', async (t) => {
  const buffer = new MetricsBuffer({ maxBufferSize: TEMPORAL_METRICS_BUFFER_SIZE });
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} }, metrics: { buffer } },
  });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
  t.teardown(() => env.teardown());
  const sl = await startSpacelift([{ id: 'ar-vpc' }, { id: 'ar-app', labels: ['dependsOn:ar-vpc', 'cascade:approval'] }]);
  t.teardown(() => stopSpacelift(sl));
  const metrics = createCascadeMetrics({ processMetrics: true, temporal: buffer });
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const taskQueue = `alert-rules-${process.pid}`;
  // One cached workflow: the second cascade evicts the first, which is what an overloaded worker's cache does.
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    spacelift: sl.client,
    metrics,
    workflows: { bundleCode: code },
    overrides: { maxCachedWorkflows: 1 },
  });

  await worker.runUntil(async () => {
    const start = (id: string) =>
      env.client.workflow.start(CASCADE_WORKFLOW_TYPE, { taskQueue, workflowId: id, args: [{ stack_id: 'ar-vpc' }] });
    const first = await start(`ar-1-${process.pid}`);
    const second = await start(`ar-2-${process.pid}`);
    // A workflow type the worker does not have: its tasks fail, as they would with a broken bundle.
    await env.client.workflow.start('NoSuchWorkflow', { taskQueue, workflowId: `ar-bad-${process.pid}`, args: [] });
    for (let i = 0; i < 100; i++) {
      const text = await metrics.exposition();
      if (/^temporal_workflow_task_execution_failed\{/m.test(text) && /^temporal_sticky_cache_total_forced_eviction\{/m.test(text)) break;
      await first.query('cascadeStatus');
      await second.query('cascadeStatus');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await first.terminate();
    await second.terminate();
    await env.client.workflow.getHandle(`ar-bad-${process.pid}`).terminate();
  });

  const exposition = await metrics.exposition();
  const families = new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
  const exported = (name: string) => {
    if (families.has(name)) return true;
    const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    return histogram !== undefined && families.get(histogram) === 'histogram';
  };
  for (const rule of rules) {
    for (const name of metricNames(rule.expr)) t.ok(exported(name), `${rule.alert}: ${name} is exported`);
  }
  t.ok(families.has('temporal_workflow_task_execution_failed'), 'a failing workflow task was counted');
  t.ok(families.has('temporal_sticky_cache_total_forced_eviction'), 'a cache eviction was counted');
});
