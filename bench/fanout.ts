/**
 * Fan-out: time from the workflow start to the LAST of N dependents triggered, against the fake Spacelift with
 * 20 ms per call, on the real Temporal dev server. Compares, side by side in one run:
 *   - CascadeWorkflow (whole graph; one RunMonitorWorkflow child per run), maxInFlight 1000
 *   - StackDependencyChainWorkflow (direct dependents, scan discovery, all children at once)
 *   - the ORIGINAL algorithm (bench/baseline: full scan + substring match, children awaited one by one)
 * and, separately, what the default concurrency cap (10 runs in flight) does when runs take about a second.
 *
 *   npm run bench:fanout [-- --sizes 1,10,100,1000 --repeats 3 --no-write]
 *
 * Each measurement gets a fresh fake account (root + N dependents + 200 unrelated stacks) and a client whose token
 * is already fetched; the workers are created once. Variants alternate so drift hits all of them alike.
 */
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { SpaceliftClient } from '../src/spacelift/client';
import { createWorker } from '../src/temporal/create-worker';
import { CASCADE_WORKFLOW_TYPE, type CascadeInput, type CascadeOptions } from '../src/workflows/cascade-types';
import { CHAIN_WORKFLOW_TYPE } from '../src/workflows/types';
import { startFakeSpacelift, type FakeSpacelift, type FakeStackSpec } from '../test/support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue, workflowBundleCode } from '../test/support/temporal';
import { createBaselineActivities } from './baseline/activities';
import { BASELINE_CHAIN_WORKFLOW_TYPE } from './baseline/workflows';
import { loadNote, machineMeter, waitForQuietMachine } from './support/processes';
import { machine, median, ms, table, today, within, writeSection } from './support/report';
import { SwitchableSpacelift } from './support/switchable-spacelift';

const COMMAND = 'npm run bench:fanout';
const LATENCY_MS = 20;
const UNRELATED_STACKS = 200;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,100,1000' },
    repeats: { type: 'string', default: '3' },
    /** Largest N measured `repeats` times; above it, once (the sequential baseline takes minutes there). */
    'repeat-up-to': { type: 'string', default: '100' },
    /** Per-measurement limit on waiting for the last trigger and for the workflow to end. */
    'cap-seconds': { type: 'string', default: '900' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const REPEATS = Number(args.repeats);
const REPEAT_UP_TO = Number(args['repeat-up-to']);
const CAP_MS = Number(args['cap-seconds']) * 1000;

type Variant = 'cascade' | 'chain' | 'baseline';
const VARIANTS: Variant[] = ['cascade', 'chain', 'baseline'];

interface Measurement {
  /** Workflow start → last trigger recorded by the fake. */
  lastMs: number;
  /** Workflow start → first trigger (discovery plus the first child). */
  firstMs: number;
  /** Workflow start → workflow completed. */
  totalMs: number;
  triggered: number;
}

interface Context {
  env: TestWorkflowEnvironment;
  client: Client;
  spacelift: SwitchableSpacelift;
  queues: { ours: string; baseline: string };
}

let measurementIds = 0;

/** root + n dependents labelled dependsOn:<root> + unrelated stacks (labels that never match, no near misses). */
function account(prefix: string, n: number): { root: string; stacks: FakeStackSpec[] } {
  const root = `${prefix}-root`;
  const stacks: FakeStackSpec[] = [{ id: root, labels: ['team:platform'] }];
  for (let i = 1; i <= n; i++) stacks.push({ id: `${prefix}-dep-${i}`, labels: ['team:apps', `dependsOn:${root}`] });
  for (let i = 1; i <= UNRELATED_STACKS; i++) {
    stacks.push({ id: `${prefix}-other-${i}`, labels: ['team:data', `dependsOn:${prefix}-elsewhere-${i % 7}`] });
  }
  return { root, stacks };
}

async function measure(ctx: Context, variant: Variant, n: number, cascade: CascadeOptions = {}): Promise<Measurement> {
  const id = ++measurementIds;
  const prefix = `m${id}`;
  const { root, stacks } = account(prefix, n);
  const fake = await startFakeSpacelift({ stacks, latencyMs: LATENCY_MS, defaultRunOutcome: { state: 'FINISHED' } });
  const api = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret, requestTimeoutMs: 30_000 });
  try {
    await api.verifyCredentials(); // the token is fetched before the clock starts
    ctx.spacelift.use(api);
    const allTriggered = waitForTriggers(fake, n);
    const started = Date.now();
    const handle = await startVariant(ctx, variant, root, `fanout-${process.pid}-${id}-${variant}`, cascade);
    await within(CAP_MS, `${variant} N=${n}: all ${n} triggers`, allTriggered);
    await within(CAP_MS, `${variant} N=${n}: workflow completion`, handle.result());
    const totalMs = Date.now() - started;
    const ats = fake.triggers.map((tr) => tr.at);
    const distinct = new Set(fake.triggers.map((tr) => tr.stackId)).size;
    if (fake.triggers.length !== n || distinct !== n) throw new Error(`${variant} N=${n}: ${fake.triggers.length} triggers of ${distinct} stacks`);
    return { lastMs: Math.max(...ats) - started, firstMs: Math.min(...ats) - started, totalMs, triggered: n };
  } finally {
    await api.close();
    await fake.close();
  }
}

function waitForTriggers(fake: FakeSpacelift, n: number): Promise<void> {
  return new Promise((resolve) => {
    if (n === 0) resolve();
    fake.onTrigger(() => {
      if (fake.triggers.length >= n) resolve();
    });
  });
}

function startVariant(ctx: Context, variant: Variant, root: string, workflowId: string, cascade: CascadeOptions) {
  const { client, queues } = ctx;
  switch (variant) {
    case 'cascade': {
      // Monitors poll after 2 s (runs end at their first poll), i.e. after the fan-out this benchmark times.
      const input: CascadeInput = { stack_id: root, run_id: 'bench', options: { maxInFlight: 1000, pollInitialMs: 2_000, pollMaxMs: 2_000, ...cascade } };
      return client.workflow.start(CASCADE_WORKFLOW_TYPE, { taskQueue: queues.ours, workflowId, args: [input] });
    }
    case 'chain':
      return client.workflow.start(CHAIN_WORKFLOW_TYPE, { taskQueue: queues.ours, workflowId, args: [{ stack_id: root }] });
    case 'baseline':
      return client.workflow.start(BASELINE_CHAIN_WORKFLOW_TYPE, { taskQueue: queues.baseline, workflowId, args: [{ stack_id: root }] });
  }
}

async function main(): Promise<void> {
  await waitForQuietMachine(15 * 60_000);
  const load = machineMeter();
  const env = await createDevEnv();
  const spacelift = new SwitchableSpacelift();
  const queues = { ours: uniqueTaskQueue('bench-ours'), baseline: uniqueTaskQueue('bench-baseline') };
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const [oursCode, baselineBundle] = await Promise.all([
    workflowBundleCode(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/workflows'), logger: quiet }),
  ]);
  const ours = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: queues.ours,
    spacelift,
    workflows: { bundleCode: oursCode },
  });
  const baseline = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: queues.baseline,
    activities: createBaselineActivities(spacelift),
    workflowBundle: { code: baselineBundle.code },
  });
  const ctx: Context = { env, client: env.client, spacelift, queues };
  const results = new Map<string, Measurement[]>();
  const capRows: string[][] = [];
  const runAll = async () => {
    // Warm-up (JIT, worker caches, the dev server's first tasks), not counted.
    for (const variant of VARIANTS) await measure(ctx, variant, 10);
    for (const n of SIZES) {
      const repeats = n <= REPEAT_UP_TO ? REPEATS : 1;
      for (let r = 0; r < repeats; r++) {
        // Rotate the order each repeat so no variant always runs first (or right after the heaviest one).
        const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length] as Variant);
        for (const variant of order) {
          const m = await measure(ctx, variant, n);
          console.log(`fanout N=${n} ${variant} #${r + 1}: last trigger ${ms(m.lastMs)}, first ${ms(m.firstMs)}, done ${ms(m.totalMs)}`);
          const key = `${variant}:${n}`;
          results.set(key, [...(results.get(key) ?? []), m]);
        }
      }
    }
    // The default cap: at most 10 runs in flight, each run ending at its first poll 1 s after it was triggered.
    for (const maxInFlight of [10, 100]) {
      const m = await measure(ctx, 'cascade', 100, { maxInFlight, pollInitialMs: 1_000, pollMaxMs: 1_000 });
      console.log(`fanout cap ${maxInFlight}, N=100: last trigger ${ms(m.lastMs)}, done ${ms(m.totalMs)}`);
      capRows.push([String(maxInFlight), ms(m.lastMs), ms(m.totalMs)]);
    }
  };
  try {
    await ours.runUntil(baseline.runUntil(runAll()));
  } finally {
    await env.teardown();
  }
  const markdown = render(results, capRows, loadNote(load.stop()));
  console.log(markdown);
  if (!args['no-write']) writeSection('fanout', markdown);
}

function render(results: Map<string, Measurement[]>, capRows: string[][], load: string): string {
  const lastOf = (variant: Variant, n: number) => median((results.get(`${variant}:${n}`) ?? []).map((m) => m.lastMs));
  const firstOf = (variant: Variant, n: number) => median((results.get(`${variant}:${n}`) ?? []).map((m) => m.firstMs));
  const speedUp = (ours: number, base: number) => (Number.isFinite(ours) && ours > 0 ? `${(base / ours).toFixed(1)}×` : '—');
  const rows = SIZES.map((n) => {
    const [cascade, chain, base] = [lastOf('cascade', n), lastOf('chain', n), lastOf('baseline', n)];
    return [String(n), ms(cascade), ms(chain), ms(base), speedUp(cascade, base), speedUp(chain, base)];
  });
  const firstRows = SIZES.map((n) => [String(n), ms(firstOf('cascade', n)), ms(firstOf('chain', n)), ms(firstOf('baseline', n))]);
  const repeats = SIZES.map((n) => `N = ${n}: ${(results.get(`baseline:${n}`) ?? []).length}`).join(', ');
  const largest = Math.max(...SIZES);
  const baseRuns = results.get(`baseline:${largest}`) ?? [];
  const perDependent = largest > 1 && baseRuns.length > 0 ? ms(median(baseRuns.map((m) => (m.lastMs - m.firstMs) / (largest - 1)))) : '—';
  const at100 = SIZES.includes(100) ? lastOf('baseline', 100) / Math.min(lastOf('cascade', 100), lastOf('chain', 100)) : Number.NaN;
  const goal = Number.isFinite(at100)
    ? at100 >= 10
      ? `**Goal (≥ 10× at N = 100): met** — ${at100.toFixed(1)}× for the faster of our two workflows.`
      : `**Goal (≥ 10× at N = 100): not met** — ${at100.toFixed(1)}× for the faster of our two workflows; see the notes below for where the time goes.`
    : 'N = 100 was not measured in this run.';
  return `## Fan-out

Time from the workflow start to the **last** of N dependents triggered (the fake Spacelift's \`triggers[].at\`),
every Spacelift call delayed ${LATENCY_MS} ms, on the Temporal CLI dev server (v1.5.1, server 1.29.1, in-memory SQLite), measured on
${machine()}, ${today()}. Median of the runs per cell (${repeats}), after one uncounted warm-up run of each at N = 10.
Command (from the repository root): \`${COMMAND}\` (= \`tsx bench/fanout.ts\`). ${load}

| N | CascadeWorkflow | StackDependencyChainWorkflow | baseline (original) | speed-up, Cascade | speed-up, Chain |
| --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

${goal}

Time to the **first** trigger (discovery: one account scan of ${'⌈'}(N + ${UNRELATED_STACKS + 1}) / 50${'⌉'} pages, plus the first child):

${table(['N', 'CascadeWorkflow', 'StackDependencyChainWorkflow', 'baseline'], firstRows)}

The concurrency cap, N = 100, runs ending at their first poll 1 s after the trigger (CascadeWorkflow with
\`pollInitialMs\` = 1 s):

${table(['CASCADE_MAX_IN_FLIGHT', 'last trigger', 'cascade complete'], capRows)}

What was measured:
- Account per measurement: the root, N stacks labelled \`dependsOn:<root>\`, ${UNRELATED_STACKS} unrelated stacks; a
  fresh fake and client each time (token fetched before the clock starts); one worker per implementation, SDK
  defaults (100 activity slots, 40 workflow-task slots), all in one Node process with the fake; the dev server is a
  second process on the same 2 cores.
- **CascadeWorkflow**: \`planCascade\` (one scan), then per stack a slot, \`triggerStackRun\` and a
  \`RunMonitorWorkflow\` child; \`maxInFlight\` 1000 (the largest \`CASCADE_MAX_IN_FLIGHT\`) so the cap does not hide
  the orchestration cost. Monitors first poll 2 s after their trigger, so polling does not overlap the fan-out.
- **StackDependencyChainWorkflow**: \`findDependentStacks\` (scan), then one \`StackExecutionWorkflow\` child per
  dependent, all started at once.
- **Baseline** (\`bench/baseline/\`, not shipped): the original algorithm — a full-account scan with a substring
  match, then children \`run-stack-<id>\` started and awaited one at a time.
- \`SPACELIFT_TRIGGER_RATE\` (runTrigger calls per second per worker, default 5 in \`serve\`/\`worker\`) is not applied
  here: this measures the orchestration; with the default rate, N triggers take at least N / 5 s whatever the workflow.

Reading the figures:
- Baseline cost per dependent here: ${perDependent} (from its first to its last trigger at the largest N). On this dev
  server a task waits about 50 ms between being scheduled and being picked up once the worker is warm (visible in
  the workflow histories, \`*_TASK_SCHEDULED\` → \`*_TASK_STARTED\`; the first few tasks of a fresh worker take 2–3 ms),
  and each sequential child needs about six such hand-offs. On a server that hands tasks over faster the baseline
  gains the most (its hand-offs are in series, ours overlap), so the speed-ups above are specific to this server.
- The baseline pays one child-workflow round trip (start child → child's workflow task → activity with its
  ${LATENCY_MS} ms call → child completes → parent's workflow task) per dependent, in sequence; ours start all children
  in one workflow task and the triggers overlap, bounded by the worker's activity slots and the dev server's
  throughput, so the gap widens with N.
- At N = 1 the two are the same work; the Cascade column also starts a monitor child per run.
- Ours reach their *first* trigger later at large N: the one workflow task that schedules all N activities (Cascade)
  or children (Chain) is persisted before any of them is dispatched, while the baseline starts its first child at once.
- The Chain column is paced by child-workflow creation on the dev server (a \`StackExecutionWorkflow\` per dependent,
  each with its own workflow tasks); the Cascade triggers from activities of the one workflow and starts each
  monitor child only after its trigger, so it stays ahead as N grows.
- The cap table shows that with the default \`CASCADE_MAX_IN_FLIGHT\` = 10 the fan-out is paced by how long runs
  take (here about 1 s each, real runs take minutes): the cap is a safety limit, not orchestration overhead.`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench/fanout failed:', err);
    process.exit(1);
  },
);
