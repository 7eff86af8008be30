import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { signPayload } from '../../src/webhook';
import { loadFixtureAccount, startFakeSpacelift } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { freePort } from './free-port';
import { cliEnv, REPO, spawnCli, type RunningCli } from './run-cli';

const SECRET = 'split-test-webhook-secret';
const body = readFileSync(join(REPO, 'fixtures', 'webhooks', 'run-finished-tracked.json'));

async function stop(cli: RunningCli): Promise<number | null> {
  cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 15_000);
  try {
    return (await cli.exited).code;
  } finally {
    clearTimeout(timer);
  }
}

t.test('worker and webhook as separate processes run the same cascade', async (t) => {
  const env: TestWorkflowEnvironment = await createDevEnv();
  t.teardown(() => env.teardown());
  const fake = await startFakeSpacelift({ stacks: loadFixtureAccount() });
  t.teardown(() => fake.close());
  const port = await freePort();
  const metricsPort = await freePort();
  const shared = {
    TEMPORAL_URL: env.address,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('split'),
    SHUTDOWN_GRACE_MS: '3000',
    CASCADE_MODE: 'direct',
  };

  const webhook = spawnCli(
    ['webhook'],
    cliEnv({ ...shared, SPACELIFT_WEBHOOK_SECRET: SECRET, WEBHOOK_HOST: '127.0.0.1', WEBHOOK_PORT: String(port) }),
  );
  const worker = spawnCli(
    ['worker'],
    cliEnv({
      ...shared,
      SPACELIFT_API_ENDPOINT: fake.url,
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
      WEBHOOK_HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
    }),
  );
  t.teardown(() => {
    for (const cli of [webhook, worker]) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  await webhook.waitFor(/"msg":"ready"/, 60_000);

  // The listener alone is ready as soon as Temporal answers; the chain waits in the task queue for a worker.
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(body, SECRET) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  t.same(await res.json(), { status: 'started', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' });

  await worker.waitFor(/"msg":"ready"/, 90_000);
  const handle = env.client.workflow.getHandle('cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    handle.result(),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('chain timed out')), 60_000))),
  ]);
  clearTimeout(timer);
  t.same(fake.triggers.map((tr) => tr.stackId).sort(), ['eks', 'rds']);
  // The worker alone serves its own metrics on METRICS_PORT: the triggers its chain made are counted there.
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  t.match(metrics, /^spacelift_cascade_spacelift_requests_total\{operation="triggerRun"\} 2$/m);
  t.match(metrics, /^spacelift_cascade_triggers_total 2$/m);

  t.equal(await stop(webhook), 0, 'webhook exits 0 on SIGTERM');
  t.equal(await stop(worker), 0, 'worker exits 0 on SIGTERM');
});
