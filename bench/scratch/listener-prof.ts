import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signPayload } from '../../src/webhook/verify-signature';
import { startFakeSpacelift } from '../../test/support/fake-spacelift';
import { createDevEnv } from '../../test/support/temporal';
import { freePort } from '../../test/cli/free-port';
import { REPO, sleep } from '../support/report';

async function main() {
  const env = await createDevEnv();
  const fake = await startFakeSpacelift({ stacks: [{ id: 'bench-src' }] });
  const port = await freePort();
  const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/lprof', join(REPO, 'dist/cli/main.js'), 'webhook', '--webhook-host', '127.0.0.1', '--webhook-port', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_URL: env.address, TEMPORAL_TASK_QUEUE: 'prof', SPACELIFT_API_KEY_ID: fake.apiKeyId, SPACELIFT_WEBHOOK_SECRET: 's' },
  });
  for (;;) { const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false); if (ok) break; await sleep(200); }
  const template = JSON.parse(readFileSync(join(REPO, 'fixtures/webhooks/run-finished-tracked.json'), 'utf8'));
  let n = 0;
  const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 1, duration: 10, requests: [{ method: 'POST', path: '/webhooks/spacelift', setupRequest: (req) => { const text = JSON.stringify({ ...template, stack: { ...template.stack, id: 'bench-src' }, run: { ...template.run, id: `p-${++n}` } }); return { ...req, body: text, headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(text, 's') } }; } }] });
  console.log(`${r.requests.average}/s p50 ${r.latency.p50} p99 ${r.latency.p99}`);
  const t0 = performance.now(); let k = 0; const end = t0 + 10000;
  while (performance.now() < end) { await env.client.workflow.start('CascadeWorkflow', { taskQueue: 'prof2', workflowId: `raw-${++k}`, args: [{ stack_id: 'x' }] }); }
  console.log(`raw ${(k / 10).toFixed(0)}/s`);
  child.kill('SIGINT'); await new Promise((r2) => child.once('exit', r2));
  await fake.close(); await env.teardown();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
