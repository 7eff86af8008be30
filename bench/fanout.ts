/**
 * Fan-out: time from the workflow start to the LAST of N dependents triggered, against the fake Spacelift with
 * 20 ms per call, on the real Temporal dev server, with SPACELIFT_TRIGGER_RATE=0 (no rate limit: this measures the
 * engine). Side by side in one run:
 *   - CascadeWorkflow (whole graph; each run through its stack's StackRunsWorkflow, watched by a RunMonitorWorkflow),
 *     CASCADE_MAX_IN_FLIGHT at its maximum (1000)
 *   - StackDependencyChainWorkflow (direct dependents, scan discovery, one StackExecutionWorkflow child each, at once)
 *   - the ORIGINAL algorithm (bench/baseline: full scan + substring match, children awaited one by one)
 *   - the server's floor for the same shape of work (bench/floor): N activities that each wait 20 ms in one
 *     workflow, and N trivial child workflows, on a worker with the same settings as ours
 * and, separately, what the default concurrency cap (10 runs in flight) does when runs take about a second.
 *
 *   npm run bench:fanout [-- --sizes 1,10,100,500,1000 --repeats 3 --no-write]
 *
 * Each N gets a fresh dev server and workers; each measurement a fresh fake account (root + N dependents + 200
 * unrelated stacks) and a client whose token is already fetched. Variants alternate so drift hits all of them alike.
 */
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { SpaceliftClient } from '../src/spacelift/client';
import { WORKFLOW_TASK_POLLERS, createWorker } from '../src/service/create-worker';
import { CASCADE_WORKFLOW_TYPE, type CascadeInput, type CascadeOptions } from '../src/workflows/cascade-types';
import { CHAIN_WORKFLOW_TYPE } from '../src/workflows/types';
import { startFakeSpacelift, type FakeSpacelift, type FakeStackSpec } from '../test/support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue, workflowBundleCode } from '../test/support/temporal';
import { createBaselineActivities } from './baseline/activities';
import { BASELINE_CHAIN_WORKFLOW_TYPE } from './baseline/workflows';
import { createFloorActivities } from './floor/activities';
import { FLOOR_ACTIVITIES_WORKFLOW_TYPE, FLOOR_CHILDREN_WORKFLOW_TYPE } from './floor/workflows';
import { renderFanout, type FanoutResults, type Measurement, type Variant } from './support/fanout-report';
import { loadNote, machineMeter, waitForQuietMachine } from './support/processes';
import { ms, within, writeSection } from './support/report';
import { SwitchableSpacelift } from './support/switchable-spacelift';

const LATENCY_MS = 20;
const UNRELATED_STACKS = 200;
/** The largest CASCADE_MAX_IN_FLIGHT, so the cap does not hide the orchestration cost. */
const MAX_IN_FLIGHT = 1000;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,100,500,1000' },
    /** A subset of cascade,chain,baseline,floor-activities,floor-children (all by default). */
    variants: { type: 'string', default: 'cascade,chain,baseline,floor-activities,floor-children' },
    repeats: { type: 'string', default: '3' },
    /** Largest N at which the sequential baseline is measured `repeats` times; above it, once (it takes minutes). */
    'baseline-repeat-up-to': { type: 'string', default: '100' },
    /** Per-measurement limit on waiting for the last trigger and for the workflow to end. */
    'cap-seconds': { type: 'string', default: '900' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const REPEATS = Number(args.repeats);
const BASELINE_REPEAT_UP_TO = Number(args['baseline-repeat-up-to']);
const CAP_MS = Number(args['cap-seconds']) * 1000;

const VARIANTS = args.variants.split(',') as Variant[];
const FLOORS: ReadonlySet<Variant> = new Set(['floor-activities', 'floor-children']);

interface Context {
  env: TestWorkflowEnvironment;
  client: Client;
  spacelift: SwitchableSpacelift;
  queues: { ours: string; baseline: string; floor: string };
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
  const workflowId = `fanout-${process.pid}-${id}-${variant}`;
  if (FLOORS.has(variant)) {
    const started = Date.now();
    const type = variant === 'floor-activities' ? FLOOR_ACTIVITIES_WORKFLOW_TYPE : FLOOR_CHILDREN_WORKFLOW_TYPE;
    const handle = await ctx.client.workflow.start(type, { taskQueue: ctx.queues.floor, workflowId, args: [n] });
    await within(CAP_MS, `${variant} N=${n}`, handle.result());
    const totalMs = Date.now() - started;
    return { lastMs: totalMs, firstMs: Number.NaN, totalMs };
  }
  const { root, stacks } = account(`m${id}`, n);
  const fake = await startFakeSpacelift({ stacks, latencyMs: LATENCY_MS, defaultRunOutcome: { state: 'FINISHED' } });
  const api = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 30_000,
  });
  try {
    await api.verifyCredentials(); // the token is fetched before the clock starts
    ctx.spacelift.use(api);
    const allTriggered = waitForTriggers(fake, n);
    const started = Date.now();
    const handle = await startVariant(ctx, variant, root, workflowId, cascade);
    await within(CAP_MS, `${variant} N=${n}: all ${n} triggers`, allTriggered);
    await within(CAP_MS, `${variant} N=${n}: workflow completion`, handle.result());
    const totalMs = Date.now() - started;
    const ats = fake.triggers.map((tr) => tr.at);
    const distinct = new Set(fake.triggers.map((tr) => tr.stackId)).size;
    if (fake.triggers.length !== n || distinct !== n)
      throw new Error(`${variant} N=${n}: ${fake.triggers.length} triggers of ${distinct} stacks`);
    return { lastMs: Math.max(...ats) - started, firstMs: Math.min(...ats) - started, totalMs };
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
      const options = { maxInFlight: MAX_IN_FLIGHT, pollInitialMs: 2_000, pollMaxMs: 2_000, ...cascade };
      const input: CascadeInput = { stack_id: root, run_id: 'bench', options };
      return client.workflow.start(CASCADE_WORKFLOW_TYPE, { taskQueue: queues.ours, workflowId, args: [input] });
    }
    case 'chain':
      return client.workflow.start(CHAIN_WORKFLOW_TYPE, { taskQueue: queues.ours, workflowId, args: [{ stack_id: root }] });
    case 'baseline':
      return client.workflow.start(BASELINE_CHAIN_WORKFLOW_TYPE, { taskQueue: queues.baseline, workflowId, args: [{ stack_id: root }] });
    default:
      throw new Error(`${variant} is not started against Spacelift`);
  }
}

interface Bundles {
  ours: string;
  baseline: string;
  floor: string;
}

/**
 * One dev server, fresh (its in-memory database grows with every workflow and slows it down, which would
 * penalise the larger N), with the three workers; runs `fn` while they poll, then tears it all down.
 */
async function withFreshServer(bundles: Bundles, spacelift: SwitchableSpacelift, fn: (ctx: Context) => Promise<void>): Promise<void> {
  const env = await createDevEnv();
  const queues = {
    ours: uniqueTaskQueue('bench-ours'),
    baseline: uniqueTaskQueue('bench-baseline'),
    floor: uniqueTaskQueue('bench-floor'),
  };
  try {
    // As `serve` with SPACELIFT_TRIGGER_RATE=0.
    const ours = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: queues.ours,
      spacelift,
      workflows: { bundleCode: bundles.ours },
      triggerRatePerSecond: 0,
    });
    // The original ran with the SDK's worker defaults.
    const baseline = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: queues.baseline,
      activities: createBaselineActivities(spacelift),
      workflowBundle: { code: bundles.baseline },
    });
    // The floor gets the same poller settings as our worker: it is what the server allows such a worker.
    const floor = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: queues.floor,
      activities: createFloorActivities(LATENCY_MS),
      workflowBundle: { code: bundles.floor },
      workflowTaskPollerBehavior: WORKFLOW_TASK_POLLERS,
    });
    await ours.runUntil(baseline.runUntil(floor.runUntil(fn({ env, client: env.client, spacelift, queues }))));
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  await waitForQuietMachine(15 * 60_000);
  const load = machineMeter();
  const spacelift = new SwitchableSpacelift();
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const [ours, baseline, floor] = await Promise.all([
    workflowBundleCode(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/workflows'), logger: quiet }).then((b) => b.code),
    bundleWorkflowCode({ workflowsPath: require.resolve('./floor/workflows'), logger: quiet }).then((b) => b.code),
  ]);
  const bundles = { ours, baseline, floor };
  const results: FanoutResults = new Map();
  const capRows: string[][] = [];
  for (const n of SIZES) {
    await withFreshServer(bundles, spacelift, async (ctx) => {
      // Warm-up (JIT, worker caches, the dev server's first tasks), not counted.
      for (const variant of VARIANTS) await measure(ctx, variant, 10);
      for (let r = 0; r < REPEATS; r++) {
        // Rotate the order each repeat so no variant always runs first (or right after the heaviest one).
        const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]);
        for (const variant of order) {
          if (variant === 'baseline' && n > BASELINE_REPEAT_UP_TO && r > 0) continue;
          const m = await measure(ctx, variant, n);
          console.log(`fanout N=${n} ${variant} #${r + 1}: last ${ms(m.lastMs)}, first ${ms(m.firstMs)}, done ${ms(m.totalMs)}`);
          const key = `${variant}:${n}`;
          results.set(key, [...(results.get(key) ?? []), m]);
        }
      }
    });
  }
  // The default cap: at most 10 runs in flight, each run ending at its first poll 1 s after it was triggered.
  await withFreshServer(bundles, spacelift, async (ctx) => {
    await measure(ctx, 'cascade', 10);
    for (const maxInFlight of [10, 100]) {
      const m = await measure(ctx, 'cascade', 100, { maxInFlight, pollInitialMs: 1_000, pollMaxMs: 1_000 });
      console.log(`fanout cap ${maxInFlight}, N=100: last trigger ${ms(m.lastMs)}, done ${ms(m.totalMs)}`);
      capRows.push([String(maxInFlight), ms(m.lastMs), ms(m.totalMs)]);
    }
  });
  const markdown = renderFanout({
    sizes: SIZES,
    results,
    capRows,
    load: loadNote(load.stop()),
    latencyMs: LATENCY_MS,
    unrelated: UNRELATED_STACKS,
  });
  console.log(markdown);
  if (!args['no-write']) writeSection('fanout', markdown);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench/fanout failed:', err);
    process.exit(1);
  },
);
