// The process paths of "Trust I", on the Temporal dev server: `serve` started while Temporal is down binds at once and
// answers 503 until Temporal answers, then each redelivered webhook starts exactly one cascade; and a 30 s Spacelift
// outage while runs are in flight (polled, no webhooks) ends with every stack finished.
import t from 'tap';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerExecutable } from '../../src/temporal/local-servers';
import type { CascadeStatus } from '../../src/workflows/cascade-types';
import { startFakeSpacelift } from '../support/fake-spacelift';
import { startOutageProxy } from '../support/outage-proxy';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { freePort } from '../cli/free-port';
import { deliver, eventually, getStatus, startCli, webhookBody } from './helpers';
import { cascadeWorkflowId } from '../../src/workflows/workflow-ids';

const runOf = (stackId: string) => `01BOOTRUN${stackId.toUpperCase().replace(/-/g, '')}00000000000`.slice(0, 26);

t.test(
  'serve while Temporal is down: it listens, answers 503 and keeps retrying; once Temporal is up, one cascade per webhook',
  async (t) => {
    const upstream = ['net-1', 'net-2', 'net-3'];
    const fake = await startFakeSpacelift({
      stacks: upstream.flatMap((id) => [{ id }, { id: `${id}-app`, labels: [`dependsOn:${id}`] }]),
      defaultRunOutcome: { state: 'FINISHED' },
    });
    t.teardown(() => fake.close());
    const temporalPort = await freePort();
    const serve = await startCli('serve', {
      temporal: `127.0.0.1:${temporalPort}`,
      taskQueue: uniqueTaskQueue('boot'),
      fake,
      env: { CASCADE_POLL_INTERVAL: '1s' },
      readyLine: /"msg":"listening"/,
    });
    t.teardown(() => serve.stop());

    t.equal(await getStatus(serve.port, '/healthz'), 200, '/healthz answers while Temporal is down');
    const readyz = await fetch(`http://127.0.0.1:${serve.port}/readyz`).then(async (r) => ({
      status: r.status,
      json: (await r.json()) as { reason?: string },
    }));
    t.equal(readyz.status, 503, '/readyz is 503');
    t.match(readyz.json.reason, /Temporal|worker/, `with the reason: ${readyz.json.reason}`);
    const bodies = upstream.map((id) => webhookBody(id, runOf(id)));
    const down = await Promise.all(bodies.map((body) => deliver(serve.port, body)));
    t.same(
      down.map((a) => a.status),
      [503, 503, 503],
      'webhooks are answered 503, so Spacelift redelivers',
    );
    await serve.cli.waitFor(/temporal unreachable; the worker retries[^\n]*"attempt":2/, 30_000);
    t.equal(serve.cli.child.exitCode, null, 'serve keeps running and retrying');

    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), port: temporalPort, log: { format: 'pretty', level: 'never' } },
    });
    t.teardown(() => env.teardown());
    await serve.cli.waitFor(/"msg":"ready"/, 60_000);
    await eventually('/readyz turns 200', 30_000, async () => (await getStatus(serve.port, '/readyz')) === 200, 250);

    for (const [i, body] of bodies.entries()) {
      let answer = await deliver(serve.port, body);
      for (let redelivery = 0; answer.status === 503 && redelivery < 20; redelivery++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        answer = await deliver(serve.port, body);
      }
      t.same([answer.status, answer.json.status], [200, 'started'], `${upstream[i]}: started once Temporal answers`);
      t.same((await deliver(serve.port, body)).json.status, 'duplicate', `${upstream[i]}: a later redelivery is a duplicate`);
    }
    for (const id of upstream) {
      const status = (await env.client.workflow.getHandle(cascadeWorkflowId(id, runOf(id))).result()) as CascadeStatus;
      t.same(
        status.stacks.map((s) => [s.id, s.state]),
        [[`${id}-app`, 'finished']],
      );
      t.equal(fake.triggerCount(`${id}-app`), 1, `${id}-app ran once`);
    }
  },
);

t.test('a 30 s Spacelift outage while runs are in flight (polled, no webhooks): every stack finishes, once', async (t) => {
  const env = await createDevEnv();
  t.teardown(() => env.teardown());
  const stacks = [
    { id: 'vpc' },
    { id: 'eks', labels: ['dependsOn:vpc'] },
    { id: 'rds', labels: ['dependsOn:vpc'] },
    { id: 'app', labels: ['dependsOn:eks,rds'] },
  ];
  const fake = await startFakeSpacelift({ stacks, defaultRunOutcome: { state: 'FINISHED', afterPolls: 2 } });
  t.teardown(() => fake.close());
  const proxy = await startOutageProxy(fake.url);
  t.teardown(() => proxy.close());
  const serve = await startCli('serve', {
    temporal: env.address,
    taskQueue: uniqueTaskQueue('outage'),
    fake,
    spaceliftUrl: proxy.url,
    env: { CASCADE_POLL_INTERVAL: '1s' },
  });
  t.teardown(() => serve.stop());

  const answer = await deliver(serve.port, webhookBody('vpc', runOf('vpc')));
  t.equal(answer.json.status, 'started');
  await eventually('both runs are in flight', 30_000, () => fake.triggers.length === 2);
  proxy.setDown(true);
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  proxy.setDown(false);
  t.ok(proxy.refused() > 5, `${proxy.refused()} calls were refused during the outage`);
  const status = (await env.client.workflow.getHandle(cascadeWorkflowId('vpc', runOf('vpc'))).result()) as CascadeStatus;
  t.same(Object.fromEntries(status.stacks.map((s) => [s.id, s.state])), { eks: 'finished', rds: 'finished', app: 'finished' });
  t.same(
    ['app', 'eks', 'rds'].map((id) => fake.triggerCount(id)),
    [1, 1, 1],
    'each stack ran once',
  );
});
