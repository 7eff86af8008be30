/**
 * The candidates of issue 14 for the direct chain (StackDependencyChainWorkflow), measured side by side: time from
 * the chain's start to the last of N dependents triggered, 20 ms per fake Spacelift call, on the Temporal dev server.
 *   - workflow-task pollers: the SDK's 10 against WORKFLOW_TASK_POLLERS (src/service/create-worker.ts);
 *   - the trigger on the rate-limited trigger queue (worker with SPACELIFT_TRIGGER_RATE=1000, the largest, which
 *     these sizes never reach) against a local activity (SPACELIFT_TRIGGER_RATE=0, what the chain then does);
 *   - eager activity dispatch: a second dev server with `system.enableActivityEagerExecution=true` and a bench-only
 *     chain whose children schedule the trigger on their own task queue (bench/candidates/workflows.ts), against the
 *     shipped chain on that same server.
 *
 *   npm run bench:chain-candidates [-- --sizes 100,500 --repeats 3 --no-write]
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TestWorkflowEnvironment as Env } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { createActivities } from '../src/activities';
import { SpaceliftClient } from '../src/spacelift/client';
import { WORKFLOW_TASK_POLLERS, createWorker, type CascadeWorker } from '../src/service/create-worker';
import { devServerExecutable } from '../src/temporal/local-servers';
import { CHAIN_WORKFLOW_TYPE } from '../src/workflows/types';
import { startFakeSpacelift, type FakeStackSpec } from '../test/support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue, workflowBundleCode } from '../test/support/temporal';
import { EAGER_CHAIN_WORKFLOW_TYPE } from './candidates/workflows';
import { loadNote, machineMeter, waitForQuietMachine } from './support/processes';
import { machine, median, ms, table, today, within, writeSection } from './support/report';
import { SwitchableSpacelift } from './support/switchable-spacelift';

const COMMAND = 'npm run bench:chain-candidates';
const LATENCY_MS = 20;
const UNRELATED_STACKS = 200;
const SDK_DEFAULT_POLLERS = { type: 'simple-maximum', maximum: 10 } as const;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,500' },
    repeats: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const REPEATS = Number(args.repeats);

interface Candidate {
  name: string;
  /** Runs on the second dev server (eager activity execution on). */
  eagerServer: boolean;
  workflowType: string;
  pollers: 10 | 40;
  trigger: 'trigger queue' | 'local activity' | 'own queue, eager';
}

const CANDIDATES: Candidate[] = [
  {
    name: 'SDK pollers, trigger queue (before)',
    eagerServer: false,
    workflowType: CHAIN_WORKFLOW_TYPE,
    pollers: 10,
    trigger: 'trigger queue',
  },
  { name: '40 pollers, trigger queue', eagerServer: false, workflowType: CHAIN_WORKFLOW_TYPE, pollers: 40, trigger: 'trigger queue' },
  { name: 'SDK pollers, local trigger', eagerServer: false, workflowType: CHAIN_WORKFLOW_TYPE, pollers: 10, trigger: 'local activity' },
  {
    name: '40 pollers, local trigger (shipped)',
    eagerServer: false,
    workflowType: CHAIN_WORKFLOW_TYPE,
    pollers: 40,
    trigger: 'local activity',
  },
  {
    name: 'eager server: 40 pollers, local trigger (shipped)',
    eagerServer: true,
    workflowType: CHAIN_WORKFLOW_TYPE,
    pollers: 40,
    trigger: 'local activity',
  },
  {
    name: 'eager server: 40 pollers, eager trigger',
    eagerServer: true,
    workflowType: EAGER_CHAIN_WORKFLOW_TYPE,
    pollers: 40,
    trigger: 'own queue, eager',
  },
];

let ids = 0;

async function measure(
  env: TestWorkflowEnvironment,
  spacelift: SwitchableSpacelift,
  queue: string,
  workflowType: string,
  n: number,
): Promise<number> {
  const prefix = `c${++ids}`;
  const root = `${prefix}-root`;
  const stacks: FakeStackSpec[] = [{ id: root }];
  for (let i = 1; i <= n; i++) stacks.push({ id: `${prefix}-dep-${i}`, labels: [`dependsOn:${root}`] });
  for (let i = 1; i <= UNRELATED_STACKS; i++) stacks.push({ id: `${prefix}-other-${i}`, labels: [`dependsOn:${prefix}-elsewhere`] });
  const fake = await startFakeSpacelift({ stacks, latencyMs: LATENCY_MS });
  const api = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 30_000,
  });
  try {
    await api.verifyCredentials();
    spacelift.use(api);
    const started = Date.now();
    const handle = await env.client.workflow.start(workflowType, {
      taskQueue: queue,
      workflowId: `candidates-${process.pid}-${ids}`,
      args: [{ stack_id: root }],
    });
    await within(900_000, `${workflowType} N=${n}`, handle.result());
    if (fake.triggers.length !== n) throw new Error(`${workflowType} N=${n}: ${fake.triggers.length} triggers`);
    return Math.max(...fake.triggers.map((tr) => tr.at)) - started;
  } finally {
    await api.close();
    await fake.close();
  }
}

type Results = Map<string, number[]>;

/** Every candidate of one server at one N, interleaved (the order rotates each repeat), after an uncounted warm-up. */
async function runOnServer(eagerServer: boolean, n: number, candidates: Candidate[], results: Results): Promise<void> {
  const env = eagerServer
    ? await Env.createLocal({
        server: { executable: devServerExecutable(), extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'] },
      })
    : await createDevEnv();
  const spacelift = new SwitchableSpacelift();
  const code = await workflowBundleCode();
  const eagerBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./candidates/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const workers: Array<{ candidate: Candidate; queue: string; worker: CascadeWorker | Worker }> = [];
  try {
    for (const candidate of candidates) {
      const queue = uniqueTaskQueue('candidates');
      const pollers = candidate.pollers === 10 ? SDK_DEFAULT_POLLERS : WORKFLOW_TASK_POLLERS;
      const worker =
        candidate.trigger === 'own queue, eager'
          ? await Worker.create({
              connection: env.nativeConnection,
              namespace: 'default',
              taskQueue: queue,
              activities: createActivities({ spacelift }),
              workflowBundle: { code: eagerBundle.code },
              workflowTaskPollerBehavior: pollers,
            })
          : await createWorker({
              connection: env.nativeConnection,
              namespace: 'default',
              taskQueue: queue,
              spacelift,
              workflows: { bundleCode: code },
              triggerRatePerSecond: candidate.trigger === 'local activity' ? 0 : 1000,
              overrides: { workflowTaskPollerBehavior: pollers },
            });
      workers.push({ candidate, queue, worker });
    }
    const all = async () => {
      for (const { candidate, queue } of workers) await measure(env, spacelift, queue, candidate.workflowType, 10);
      for (let r = 0; r < REPEATS; r++) {
        for (let i = 0; i < workers.length; i++) {
          const { candidate, queue } = workers[(i + r) % workers.length];
          const lastMs = await measure(env, spacelift, queue, candidate.workflowType, n);
          console.log(`candidates N=${n} ${candidate.name} #${r + 1}: last trigger ${ms(lastMs)}`);
          results.set(`${candidate.name}:${n}`, [...(results.get(`${candidate.name}:${n}`) ?? []), lastMs]);
        }
      }
    };
    let running: Promise<void> = all();
    for (const { worker } of workers) {
      const inner = running;
      running = worker.runUntil(inner);
    }
    await running;
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  await waitForQuietMachine(15 * 60_000);
  const load = machineMeter();
  const results: Results = new Map();
  for (const n of SIZES) {
    for (const eagerServer of [false, true])
      await runOnServer(
        eagerServer,
        n,
        CANDIDATES.filter((c) => c.eagerServer === eagerServer),
        results,
      );
  }
  const markdown = render(results, loadNote(load.stop()));
  console.log(markdown);
  if (!args['no-write']) writeSection('chain-candidates', markdown);
}

function render(results: Results, loadSentence: string): string {
  const cell = (c: Candidate, n: number) => median(results.get(`${c.name}:${n}`) ?? []);
  const rows = CANDIDATES.map((c) => [
    c.name,
    c.eagerServer ? 'eager on' : 'default',
    String(c.pollers),
    c.trigger,
    ...SIZES.flatMap((n) => [ms(cell(c, n)), ms(cell(c, n) / n)]),
  ]);
  const header = ['candidate', 'dev server', 'workflow-task pollers', 'trigger', ...SIZES.flatMap((n) => [`N = ${n}`, `per dependent`])];
  return `## Direct chain: the candidates

Which changes make \`StackDependencyChainWorkflow\` faster, each measured in one run: time from the chain's start to
the last of N dependents triggered (median of ${REPEATS}, after one uncounted warm-up of each at N = 10; the order
rotates each repeat; a fresh dev server for each N and server kind), every fake Spacelift call delayed ${LATENCY_MS} ms, ${UNRELATED_STACKS} unrelated stacks in the
account. Temporal CLI dev server (v1.5.1, server 1.29.1, in-memory SQLite), measured on ${machine()}, ${today()}.
Command (from the repository root): \`${COMMAND}\` (= \`tsx bench/chain-candidates.ts\`). ${loadSentence}

${table(header, rows)}

- **Workflow-task pollers**: every child's first workflow task waits on the task queue's normal (non-sticky) partition,
  which only a fifth of the SDK's 10 pollers poll. Kept: \`WORKFLOW_TASK_POLLERS\` (40, as many as workflow-task slots)
  in \`src/service/create-worker.ts\`.
- **Local trigger**: the child triggers inside its first workflow task and completes in it, instead of scheduling an
  activity, waiting for its dispatch and a second workflow task. Kept, **only when the worker has no
  \`SPACELIFT_TRIGGER_RATE\`** (\`=0\`): a local activity runs in the worker, outside the trigger queue whose rate the
  server enforces, so with a rate the trigger stays on the trigger queue. The chain asks its worker (local activity
  \`triggerRate\`) and tells its children (\`local_trigger\` in their input).
- **Eager activity dispatch**: needs the trigger on the workflow's own task queue (bypassing the trigger queue too)
  and a server with \`system.enableActivityEagerExecution\` (off by default in Temporal server). Not kept: see its row
  against the shipped chain on the same server.`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench/chain-candidates failed:', err);
    process.exit(1);
  },
);
