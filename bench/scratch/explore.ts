import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import { devServerExecutable } from '../../src/temporal/local-servers';
import { SpaceliftClient } from '../../src/spacelift/client';
import { createWorker, type CascadeWorker } from '../../src/temporal/create-worker';
import { CHAIN_WORKFLOW_TYPE } from '../../src/workflows/types';
import { startFakeSpacelift, type FakeStackSpec } from '../../test/support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue, workflowBundleCode } from '../../test/support/temporal';
import { SwitchableSpacelift } from '../support/switchable-spacelift';
import { waitForQuietMachine } from '../support/processes';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '100,500' }, variants: { type: 'string', default: 'defaults' }, repeats: { type: 'string', default: '2' }, eager: { type: 'boolean', default: false } } });
const P = (n: number) => ({ workflowTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: n } });
const VARIANTS: Record<string, { worker: Partial<WorkerOptions>; x?: string }> = {
  defaults: { worker: P(10) },
  p40: { worker: P(40) },
  p20: { worker: P(20) },
  p40r1: { worker: { ...P(40), nonStickyToStickyPollRatio: 1 } },
  auto: { worker: { workflowTaskPollerBehavior: { type: 'autoscaling' } } },
  p100: { worker: { maxConcurrentWorkflowTaskExecutions: 100, ...P(100) } },
  local10: { worker: P(10), x: 'local' },
  local40: { worker: P(40), x: 'local' },
  main40: { worker: P(40), x: 'main' },
};
let ids = 0;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] as number;
async function main() {
  const env = args.eager ? await TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutable(), extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'] } }) : await createDevEnv();
  const spacelift = new SwitchableSpacelift();
  const code = await workflowBundleCode();
  const names = args.variants.split(',');
  const workers: Array<{ name: string; queue: string; worker: CascadeWorker }> = [];
  for (const name of names) {
    const queue = uniqueTaskQueue(`x-${name}`);
    workers.push({ name, queue, worker: await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: queue, spacelift, workflows: { bundleCode: code }, overrides: VARIANTS[name]!.worker }) });
  }
  const results = new Map<string, number[]>();
  const measure = async (name: string, queue: string, n: number) => {
    const root = `r${++ids}`;
    const stacks: FakeStackSpec[] = [{ id: root }];
    for (let i = 1; i <= n; i++) stacks.push({ id: `${root}-d${i}`, labels: [`dependsOn:${root}`] });
    const fake = await startFakeSpacelift({ stacks, latencyMs: 20 });
    const api = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret, requestTimeoutMs: 30_000 });
    await api.verifyCredentials();
    spacelift.use(api);
    const t0 = Date.now();
    const x = VARIANTS[name]!.x;
    const h = await env.client.workflow.start(CHAIN_WORKFLOW_TYPE, { taskQueue: queue, workflowId: `x-${process.pid}-${ids}`, args: [{ stack_id: root, ...(x ? { x } : {}) }] });
    await h.result();
    const ats = fake.triggers.map((tr) => tr.at);
    const last = Math.max(...ats) - t0;
    await api.close();
    await fake.close();
    return last;
  };
  const run = async () => {
    for (const w of workers) await measure(w.name, w.queue, 10);
    for (const n of args.sizes.split(',').map(Number)) {
      for (let r = 0; r < Number(args.repeats); r++) {
        for (const w of r % 2 ? [...workers].reverse() : workers) {
          const busy = await waitForQuietMachine(60_000, 30);
          const last = await measure(w.name, w.queue, n);
          console.log(`${w.name} N=${n}: last ${last} ms (${(last / n).toFixed(1)} ms/dep) [busy before ${Math.round(busy)}%]`);
          results.set(`${w.name}:${n}`, [...(results.get(`${w.name}:${n}`) ?? []), last]);
        }
      }
    }
  };
  let chain: Promise<void> = run();
  for (const w of workers) { const inner = chain; chain = w.worker.runUntil(inner); }
  try { await chain; } finally { await env.teardown(); }
  for (const [k, v] of results) console.log(`MEDIAN ${k}: ${median(v)} ms  [${v.join(', ')}]`);
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
