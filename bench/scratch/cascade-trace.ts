import { SpaceliftClient } from '../../src/spacelift/client';
import { createWorker } from '../../src/temporal/create-worker';
import { CASCADE_WORKFLOW_TYPE } from '../../src/workflows/cascade-types';
import { startFakeSpacelift, type FakeStackSpec } from '../../test/support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue, workflowBundleCode } from '../../test/support/temporal';
import { temporal } from '@temporalio/proto';

const N = Number(process.argv[2] ?? 100);
async function main() {
  const env = await createDevEnv();
  const stacks: FakeStackSpec[] = [{ id: 'root' }];
  for (let i = 1; i <= N; i++) stacks.push({ id: `d${i}`, labels: ['dependsOn:root'] });
  const fake = await startFakeSpacelift({ stacks, latencyMs: 20, defaultRunOutcome: { state: 'FINISHED' } });
  const api = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret, requestTimeoutMs: 30_000 });
  await api.verifyCredentials();
  const taskQueue = uniqueTaskQueue('trace');
  const worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, spacelift: api, workflows: { bundleCode: await workflowBundleCode() }, overrides: JSON.parse(process.env.OVR ?? '{}') });
  await worker.runUntil(async () => {
    const t0 = Date.now();
    const h = await env.client.workflow.start(CASCADE_WORKFLOW_TYPE, { taskQueue, workflowId: 'trace-cascade', args: [{ stack_id: 'root', run_id: 'x', options: { maxInFlight: 1000, pollInitialMs: 2000, pollMaxMs: 2000 } }] });
    await new Promise<void>((r) => fake.onTrigger(() => { if (fake.triggers.length >= N) r(); }));
    console.log(`last trigger at ${Date.now() - t0} ms`);
    await h.result();
    const show = async (id: string, max = 400) => {
      const hist = await env.client.workflow.getHandle(id).fetchHistory();
      const start = Number(hist.events![0]!.eventTime!.seconds) * 1000 + Math.floor((hist.events![0]!.eventTime!.nanos ?? 0) / 1e6);
      const base = t0;
      const lines = hist.events!.slice(0, max).map((e) => {
        const t = Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
        return `${String(t - base).padStart(6)} ${temporal.api.enums.v1.EventType[e.eventType!]}`;
      });
      console.log(`--- ${id} (${hist.events!.length} events, first at ${start - base})`);
      // compress consecutive same types
      let prev = ''; let count = 0; let first = '';
      for (const l of [...lines, '0 END']) {
        const type = l.trim().split(' ')[1]!;
        if (type === prev) { count++; continue; }
        if (prev) console.log(`${first}${count > 1 ? ` ×${count}` : ''}`);
        prev = type; count = 1; first = l;
      }
    };
    await show('trace-cascade', 2000);
    await show('stack-runs-d1');
    await show(`stack-runs-d${N}`);
  });
  await api.close(); await fake.close(); await env.teardown();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
