import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ChainResult } from '../../src/workflows/types';
import { signPayload } from '../../src/webhook';
import { loadFixtureAccount, startFakeSpacelift } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { freePort } from './free-port';
import { cliEnv, REPO, startCli } from './run-cli';
import { within } from '../support/within';

const SECRET = 'serve-test-webhook-secret';
const body = readFileSync(join(REPO, 'fixtures', 'webhooks', 'run-finished-tracked.json'));

async function post(
  port: number,
  path: string,
  payload?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: payload ? 'POST' : 'GET',
    headers: payload ? { 'content-type': 'application/json', 'x-signature-256': signPayload(payload, SECRET), ...headers } : headers,
    ...(payload ? { body: payload } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

// The one-level chain (CASCADE_MODE=direct); test/cli/graph-cascade.test.ts covers the default graph mode.
t.test('serve: a signed webhook triggers exactly the dependents, then SIGTERM exits 0', async (t) => {
  const env: TestWorkflowEnvironment = await createDevEnv();
  t.teardown(() => env.teardown());
  const fake = await startFakeSpacelift({ stacks: loadFixtureAccount() });
  t.teardown(() => fake.close());
  const port = await freePort();

  const cli = await startCli(
    t,
    ['serve', '--webhook-host', '127.0.0.1', '--webhook-port', String(port)],
    cliEnv({
      TEMPORAL_URL: env.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('serve'),
      SPACELIFT_API_ENDPOINT: fake.url,
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
      SPACELIFT_WEBHOOK_SECRET: `${SECRET},an-older-secret`,
      SHUTDOWN_GRACE_MS: '5000',
      CASCADE_MODE: 'direct',
    }),
  );
  const ready = JSON.parse(cli.ready) as Record<string, unknown>;
  t.match(ready, { level: 'info', host: '127.0.0.1', port, namespace: 'default' });

  t.same(await post(port, '/readyz'), { status: 200, json: { status: 'ready' } });
  t.equal((await post(port, '/webhooks/spacelift', body, { 'x-signature-256': signPayload(body, 'wrong') })).status, 401);

  const first = await post(port, '/webhooks/spacelift', body);
  t.same(first, { status: 200, json: { status: 'started', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' } });
  const result = await within(
    60_000,
    'the chain to finish',
    env.client.workflow.getHandle('cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001').result() as Promise<ChainResult>,
  );
  t.same(result.dependents.map((d) => [d.stack_id, d.status]).sort(), [
    ['eks', 'triggered'],
    ['rds', 'triggered'],
  ]);
  t.same(fake.triggers.map((tr) => tr.stackId).sort(), ['eks', 'rds'], 'the fake recorded exactly the dependent triggers');

  const again = await post(port, '/webhooks/spacelift', body);
  t.same(again, { status: 200, json: { status: 'duplicate', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' } });
  t.equal(fake.triggers.length, 2, 'a redelivery triggers nothing');

  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  t.match(metrics, /^spacelift_cascade_chains_started_total 1$/m);
  t.match(metrics, /^spacelift_cascade_spacelift_requests_total\{operation="triggerRun"\} 2$/m);

  const stopping = Date.now();
  cli.child.kill('SIGTERM');
  const exit = await within(15_000, 'exit after SIGTERM', cli.exited);
  if (exit.code !== 0) t.comment(exit.stderr.slice(-3000));
  t.equal(exit.code, 0, 'SIGTERM exits 0');
  t.ok(Date.now() - stopping < 6_500, 'exits within SHUTDOWN_GRACE_MS');
  t.match(exit.stderr, /"msg":"stopped"/);
  for (const secret of [SECRET, fake.apiKeySecret]) t.notMatch(exit.stderr + exit.stdout, secret, 'no secret in the logs');
});
