// serve in graph mode (the default) on the real dev server: a signed webhook for the root starts a CascadeWorkflow;
// each run it triggers reports FINISHED by webhook, which the listener hands to that run's monitor. Polling is set
// to an hour, so only the fast path can finish the cascade in the time this test allows.
import t from 'tap';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type CascadeStatus } from '../../src/workflows/cascade-types';
import { signPayload } from '../../src/webhook';
import { startFakeSpacelift } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { freePort } from './free-port';
import { cliEnv, startCli } from './run-cli';
import { within } from '../support/within';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

const SECRET = 'graph-test-webhook-secret';
const ROOT_RUN = `01JGRAPHROOT${process.pid}`;

/** A run-state webhook body as Spacelift sends it (spacelift-api.md §4.2). */
function runEvent(stackId: string, runId: string, state: string, triggeredBy: string, stateVersion = 9): Buffer {
  return Buffer.from(
    JSON.stringify({
      account: 'acme',
      state,
      stateVersion,
      timestamp: 1767101634,
      run: {
        id: runId,
        branch: 'main',
        createdAt: 1767101000,
        type: 'TRACKED',
        triggeredBy,
        delta: { added: 1, changed: 0, deleted: 0, resources: 3 },
      },
      stack: { id: stackId, name: stackId, description: '', labels: [] },
    }),
  );
}

async function deliver(port: number, body: Buffer): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(body, SECRET) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function exists(env: TestWorkflowEnvironment, workflowId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Real Spacelift runs take minutes; here a run "finishes" as soon as the cascade watches it. */
async function monitorStarted(env: TestWorkflowEnvironment, runId: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await exists(env, runMonitorWorkflowId(runId))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no monitor for run ${runId}`);
}

t.test('graph mode: the diamond vpc → eks, rds → app completes through the webhook fast path alone', async (t) => {
  const env = await createDevEnv();
  t.teardown(() => env.teardown());
  const fake = await startFakeSpacelift({
    stacks: [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc'] },
      { id: 'rds', labels: ['depends-on:vpc'] },
      { id: 'app', labels: ['DependsOn: eks, rds'] },
    ],
  });
  t.teardown(() => fake.close());
  const port = await freePort();
  const ourKey = `api::${fake.apiKeyId}`;

  const cli = await startCli(
    t,
    ['serve', '--webhook-host', '127.0.0.1', '--webhook-port', String(port)],
    cliEnv({
      TEMPORAL_URL: env.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('graph'),
      SPACELIFT_API_ENDPOINT: fake.url,
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
      SPACELIFT_WEBHOOK_SECRET: SECRET,
      CASCADE_POLL_INTERVAL: '1h',
      SHUTDOWN_GRACE_MS: '5000',
    }),
  );

  // Each triggered run ends: Spacelift marks it FINISHED and sends its webhook, once the cascade watches it.
  const answers: Array<{ stackId: string; runId: string; status: number; json: Record<string, unknown> }> = [];
  const deliveries: Promise<void>[] = [];
  fake.onTrigger(({ stackId, runId }) => {
    deliveries.push(
      (async () => {
        await monitorStarted(env, runId);
        fake.setRunState(runId, 'FINISHED', { added: 1, changed: 0, deleted: 0 });
        answers.push({ stackId, runId, ...(await deliver(port, runEvent(stackId, runId, 'FINISHED', ourKey))) });
      })(),
    );
  });

  const rootId = `cascade-vpc-${ROOT_RUN}`;
  const started = await deliver(port, runEvent('vpc', ROOT_RUN, 'FINISHED', 'jdoe'));
  t.same(started, { status: 200, json: { status: 'started', workflowId: rootId } });

  const status = await within(60_000, 'the cascade to complete', env.client.workflow.getHandle(rootId).result() as Promise<CascadeStatus>);
  await Promise.all(deliveries);
  t.match(status, { root: 'vpc', rootRunId: ROOT_RUN, done: true, cycles: [] });
  t.same(
    status.stacks.map((s) => [s.id, s.wave, s.state, s.runState]),
    [
      ['eks', 0, 'finished', 'FINISHED'],
      ['rds', 0, 'finished', 'FINISHED'],
      ['app', 1, 'finished', 'FINISHED'],
    ],
  );
  t.same(
    ['app', 'eks', 'rds'].map((id) => fake.triggerCount(id)),
    [1, 1, 1],
    'app, below both, was triggered once',
  );
  t.equal(fake.triggerCount('vpc'), 0);
  t.equal(fake.requests.filter((r) => r.operation === 'getRun').length, 0, 'no run was polled: the webhooks did it all');

  t.equal(answers.length, 3);
  for (const answer of answers) {
    t.same(
      [answer.status, answer.json],
      [200, { status: 'delivered', workflowId: runMonitorWorkflowId(answer.runId) }],
      `${answer.stackId}: delivered`,
    );
    t.notOk(await exists(env, `cascade-${answer.stackId}-${answer.runId}`), `${answer.stackId}: no second cascade`);
  }

  // A redelivery after the monitor ended is a duplicate; a run of ours whose monitor never existed starts nothing.
  const eks = answers.find((a) => a.stackId === 'eks');
  if (!eks) throw new Error('no delivery for eks');
  t.same(await deliver(port, runEvent('eks', eks.runId, 'FINISHED', ourKey)), {
    status: 200,
    json: { status: 'duplicate', workflowId: runMonitorWorkflowId(eks.runId) },
  });
  const stray = await deliver(port, runEvent('eks', '01JNOMONITORFORTHISRUN0001', 'FINISHED', ourKey));
  t.equal(stray.status, 202);
  t.match(stray.json, { status: 'ignored', reason: /triggered by a cascade/ });
  t.notOk(await exists(env, 'cascade-eks-01JNOMONITORFORTHISRUN0001'));
  t.same(await deliver(port, runEvent('vpc', ROOT_RUN, 'FINISHED', 'jdoe')), {
    status: 200,
    json: { status: 'duplicate', workflowId: rootId },
  });

  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  t.match(metrics, /^spacelift_cascade_webhooks_total\{outcome="delivered"\} 3$/m);
  t.match(metrics, /^spacelift_cascade_webhooks_total\{outcome="duplicate"\} 2$/m);
  t.match(metrics, /^spacelift_cascade_chains_started_total 1$/m);

  cli.child.kill('SIGTERM');
  const exit = await within(15_000, 'exit after SIGTERM', cli.exited);
  t.equal(exit.code, 0, 'SIGTERM exits 0');
});
