// Temporal stops while webhooks arrive: every delivery is answered 503 (so Spacelift redelivers), nothing is lost
// and nothing runs twice once a server is back on the same port and database file.
import t from 'tap';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerExecutable } from '../../src/temporal/local-servers';
import { startFakeSpacelift, type FakeStackSpec } from '../support/fake-spacelift';
import { uniqueTaskQueue } from '../support/temporal';
import { freePort } from '../cli/free-port';
import { deliver, eventually, getStatus, startCli, webhookBody, within, type Answer } from './helpers';
import { cascadeWorkflowId } from '../../src/workflows/workflow-ids';

const DELIVERIES = 20;
const upstream = Array.from({ length: DELIVERIES }, (_, i) => `up-${String(i + 1).padStart(2, '0')}`);
const runOf = (stackId: string) => `01FAULTRUN${stackId.toUpperCase().replace('-', '')}0000000000`;
const account: FakeStackSpec[] = upstream.flatMap((id) => [
  { id, labels: ['team:platform'] },
  { id: `${id}-a`, labels: [`dependsOn:${id}`] },
  { id: `${id}-b`, labels: [`depends-on:${id}`] },
]);

t.test('Temporal down: 20 deliveries answered 503; after a restart on the same db, each starts exactly one cascade', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'spacelift-cascade-faults-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const temporalPort = await freePort();
  const server = () =>
    TestWorkflowEnvironment.createLocal({
      // The server is stopped mid-request on purpose; its "context canceled" errors would only clutter the output.
      server: {
        executable: devServerExecutable(),
        dbFilename: join(dir, 'temporal.db'),
        port: temporalPort,
        log: { format: 'pretty', level: 'never' },
      },
    });

  let env = await server();
  t.teardown(() => env.teardown().catch(() => undefined));
  const fake = await startFakeSpacelift({ stacks: account, defaultRunOutcome: { state: 'FINISHED' } });
  t.teardown(() => fake.close());
  const serve = await startCli('serve', {
    temporal: `127.0.0.1:${temporalPort}`,
    taskQueue: uniqueTaskQueue('faults-down'),
    fake,
    env: { CASCADE_POLL_INTERVAL: '1s', SPACELIFT_TRIGGER_RATE: '0' },
  });
  t.teardown(() => serve.stop());
  t.equal(await getStatus(serve.port, '/readyz'), 200, 'ready while Temporal runs');

  await env.teardown();
  const bodies = upstream.map((id) => webhookBody(id, runOf(id)));
  const down = await within(60_000, 'answers while Temporal is down', Promise.all(bodies.map((body) => deliver(serve.port, body))));
  t.same(
    down.map((a) => a.status),
    bodies.map(() => 503),
    'every delivery is answered 503 while Temporal is down',
  );
  t.ok(
    down.every((a) => a.json.status === 'unavailable'),
    'with status "unavailable"',
  );
  t.equal(serve.cli.child.exitCode, null, 'serve keeps running');
  t.equal(await getStatus(serve.port, '/readyz'), 503, '/readyz reports not ready');
  t.equal(fake.triggers.length, 0, 'nothing was triggered');

  env = await server();
  // Spacelift redelivers a 503; the client may need a moment to reconnect, so a 503 is redelivered too (bounded).
  const final: Answer[] = [];
  let redeliveries = 0;
  for (const [i, body] of bodies.entries()) {
    let answer = await deliver(serve.port, body);
    while (answer.status === 503 && redeliveries < 60) {
      redeliveries += 1;
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await deliver(serve.port, body);
    }
    final[i] = answer;
  }
  t.comment(`503s redelivered after the restart: ${redeliveries}`);
  t.same(
    final.map((a) => a.status),
    bodies.map(() => 200),
    'every redelivery is accepted once Temporal is back',
  );
  t.ok(
    final.every((a) => a.json.status === 'started' || a.json.status === 'duplicate'),
    'answered started (or duplicate)',
  );
  t.ok(final.filter((a) => a.json.status === 'started').length >= 1, 'the cascades are started now');

  const client = env.client;
  for (const id of upstream) {
    const workflowId = cascadeWorkflowId(id, runOf(id));
    const executions = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) executions.push(execution);
    t.equal(executions.length, 1, `exactly one workflow ${workflowId}`);
  }
  await within(
    60_000,
    'every cascade to complete',
    Promise.all(upstream.map((id) => client.workflow.getHandle(cascadeWorkflowId(id, runOf(id))).result())),
  );
  for (const id of upstream) {
    t.equal(fake.triggerCount(`${id}-a`), 1, `${id}-a triggered once`);
    t.equal(fake.triggerCount(`${id}-b`), 1, `${id}-b triggered once`);
  }
  t.equal(fake.triggers.length, DELIVERIES * 2, 'no other trigger');

  const again = await Promise.all(bodies.map((body) => deliver(serve.port, body)));
  t.ok(
    again.every((a) => a.status === 200 && a.json.status === 'duplicate'),
    'a later redelivery is a duplicate',
  );
  await eventually('serve ready again', 15_000, async () => (await getStatus(serve.port, '/readyz')) === 200, 500);
  t.equal(fake.triggers.length, DELIVERIES * 2, 'and triggers nothing');
});
