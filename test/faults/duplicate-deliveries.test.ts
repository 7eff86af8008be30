// Spacelift delivers at least once and in no particular order. At the listener (serve on the dev server): the same
// run's FINISHED twice, concurrently, a PLANNING that arrives after FINISHED, and the webhooks of the runs the cascade
// itself triggered, repeated and reordered. Exactly one cascade per finished run; nothing is triggered twice.
import t from 'tap';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type CascadeStatus } from '../../src/workflows/cascade-types';
import { startFakeSpacelift } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { deliver, eventually, startCli, webhookBody, within, type Answer } from './helpers';
import { cascadeWorkflowId, runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

const NET_RUN = '01DUPLICATERUNNET000000001';
const DB_RUN = '01DUPLICATERUNDB0000000001';

t.test('duplicate and out-of-order deliveries start exactly one cascade per run', async (t) => {
  const env: TestWorkflowEnvironment = await createDevEnv();
  t.teardown(() => env.teardown());
  // No run outcome and a 10 min poll interval: the cascade's runs end only through their webhooks (the fast path).
  const fake = await startFakeSpacelift({
    stacks: [
      { id: 'net' },
      { id: 'db' },
      { id: 'app1', labels: ['dependsOn:net'] },
      { id: 'app2', labels: ['dependsOn:net'] },
      { id: 'app3', labels: ['dependsOn:db'] },
    ],
  });
  t.teardown(() => fake.close());
  const taskQueue = uniqueTaskQueue('faults-dup');
  const serve = await startCli('serve', {
    temporal: env.address,
    taskQueue,
    fake,
    env: { CASCADE_POLL_INTERVAL: '10m', SPACELIFT_TRIGGER_RATE: '0' },
  });
  t.teardown(() => serve.stop());
  const port = serve.port;

  const finished = webhookBody('net', NET_RUN, { state: 'FINISHED', stateVersion: 7 });
  const first = await deliver(port, finished);
  t.same(first, { status: 200, json: { status: 'started', workflowId: cascadeWorkflowId('net', NET_RUN) } }, 'FINISHED starts the cascade');
  t.same(
    await deliver(port, finished),
    { status: 200, json: { status: 'duplicate', workflowId: cascadeWorkflowId('net', NET_RUN) } },
    'FINISHED again: duplicate',
  );
  const planningLate = await deliver(port, webhookBody('net', NET_RUN, { state: 'PLANNING', stateVersion: 3 }));
  t.match(planningLate, { status: 202, json: { status: 'ignored' } }, 'PLANNING after FINISHED is ignored');
  const burst = await Promise.all(Array.from({ length: 10 }, () => deliver(port, finished)));
  t.same(
    burst.map((a) => `${a.status} ${String(a.json.status)}`),
    burst.map(() => '200 duplicate'),
    '10 concurrent redeliveries: all duplicate',
  );

  // Another run, its webhooks all at once and shuffled: exactly one of the FINISHED copies starts it.
  const dbStates = ['APPLYING', 'FINISHED', 'PLANNING', 'FINISHED', 'QUEUED', 'FINISHED', 'UNCONFIRMED', 'FINISHED', 'FINISHED', 'READY'];
  const dbAnswers = await Promise.all(dbStates.map((state, i) => deliver(port, webhookBody('db', DB_RUN, { state, stateVersion: i }))));
  const dbFinished = dbAnswers.filter((_, i) => dbStates[i] === 'FINISHED').map((a) => String(a.json.status));
  t.same(dbFinished.filter((s) => s === 'started').length, 1, 'exactly one FINISHED copy started the db cascade');
  t.same(dbFinished.filter((s) => s === 'duplicate').length, dbFinished.length - 1, 'the others were duplicates');
  t.ok(
    dbAnswers.every((a, i) => (dbStates[i] === 'FINISHED' ? a.status === 200 : a.status === 202)),
    'other states were ignored',
  );

  // The runs the cascades triggered report back, twice and out of order; none may start a cascade of its own.
  await eventually('three triggers', 30_000, () => fake.triggers.length === 3);
  for (const trigger of fake.triggers) {
    const monitor = env.client.workflow.getHandle(runMonitorWorkflowId(trigger.runId));
    await eventually(`monitor of ${trigger.stackId}`, 30_000, () =>
      monitor.describe().then(
        () => true,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        },
      ),
    );
    const triggeredBy = `api::${fake.apiKeyId}`;
    const answers = await Promise.all([
      deliver(port, webhookBody(trigger.stackId, trigger.runId, { state: 'FINISHED', stateVersion: 9, triggeredBy })),
      deliver(port, webhookBody(trigger.stackId, trigger.runId, { state: 'FINISHED', stateVersion: 9, triggeredBy })),
      deliver(port, webhookBody(trigger.stackId, trigger.runId, { state: 'PLANNING', stateVersion: 4, triggeredBy })),
    ]);
    t.ok(
      answers.every((a) => a.status === 200 && (a.json.status === 'delivered' || a.json.status === 'duplicate')),
      `${trigger.stackId}: its webhooks went to its monitor (${answers.map((a) => a.json.status).join(', ')})`,
    );
  }

  const results = (await within(
    60_000,
    'both cascades',
    Promise.all([NET_RUN, DB_RUN].map((run, i) => env.client.workflow.getHandle(cascadeWorkflowId(i === 0 ? 'net' : 'db', run)).result())),
  )) as CascadeStatus[];
  t.same(results.flatMap((r) => r.stacks.map((s) => `${s.id} ${s.state}`)).sort(), ['app1 finished', 'app2 finished', 'app3 finished']);
  t.same(
    await deliver(port, finished),
    { status: 200, json: { status: 'duplicate', workflowId: cascadeWorkflowId('net', NET_RUN) } },
    'FINISHED after completion: duplicate',
  );

  let cascades = 0;
  for await (const execution of env.client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND WorkflowType = "CascadeWorkflow"` })) {
    t.ok(
      [cascadeWorkflowId('net', NET_RUN), cascadeWorkflowId('db', DB_RUN)].includes(execution.workflowId),
      `cascade ${execution.workflowId}`,
    );
    cascades += 1;
  }
  t.equal(cascades, 2, 'exactly one cascade per finished run');

  // A workflow ID over Temporal's 1,000-character limit could never be started: refused for good, not 503 for ever.
  const tooLong = await deliver(port, webhookBody('net', `01${'X'.repeat(1_000)}`));
  t.match(
    tooLong,
    { status: 422, json: { status: 'rejected', reason: /run\.id/ } },
    'a run ID too long for a workflow ID is refused with 422',
  );
  for (const id of ['app1', 'app2', 'app3']) t.equal(fake.triggerCount(id), 1, `${id} triggered once`);
  t.equal(fake.triggers.length, 3);
});

t.test(
  'the webhook of a cascade’s run that comes before its monitor exists is acknowledged (202); the monitor polls its end',
  async (t) => {
    const env: TestWorkflowEnvironment = await createDevEnv();
    t.teardown(() => env.teardown());
    const fake = await startFakeSpacelift({ stacks: [{ id: 'net' }, { id: 'app', labels: ['dependsOn:net'] }] });
    t.teardown(() => fake.close());
    const taskQueue = uniqueTaskQueue('faults-early');
    const serve = await startCli('serve', {
      temporal: env.address,
      taskQueue,
      fake,
      env: { CASCADE_POLL_INTERVAL: '1s', SPACELIFT_TRIGGER_RATE: '0' },
    });
    t.teardown(() => serve.stop());
    // Spacelift creates app's run but answers 500: the trigger is retried a second later (and adopts the run), so for
    // that second the run exists and its monitor does not. Its FINISHED webhook arrives in that second.
    fake.inject({ operation: 'runTrigger', stackId: 'app', kind: 'afterMutation500' });
    const early = new Promise<Answer>((resolve) => {
      fake.onTrigger((trigger) => {
        fake.setRunState(trigger.runId, 'FINISHED');
        void deliver(serve.port, webhookBody('app', trigger.runId, { state: 'FINISHED', triggeredBy: `api::${fake.apiKeyId}` })).then(
          resolve,
        );
      });
    });
    const started = await deliver(serve.port, webhookBody('net', '01EARLYWEBHOOKNET00000001'));
    t.match(started, { status: 200, json: { status: 'started' } });
    t.same(await within(30_000, 'the early webhook', early), {
      status: 202,
      json: {
        status: 'ignored',
        reason: `run was triggered by a cascade (api::${fake.apiKeyId}); no monitor of it is running yet: the cascade that triggered it polls the run`,
      },
    });
    const result = (await within(
      60_000,
      'the cascade',
      env.client.workflow.getHandle(cascadeWorkflowId('net', '01EARLYWEBHOOKNET00000001')).result(),
    )) as CascadeStatus;
    t.match(result.stacks, [{ id: 'app', state: 'finished', runId: fake.triggers[0]?.runId }], 'its monitor found the end by polling');
    t.equal(fake.triggerCount('app'), 1);
    let cascades = 0;
    for await (const execution of env.client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND WorkflowType = "CascadeWorkflow"` }))
      cascades += execution ? 1 : 0;
    t.equal(cascades, 1, 'the early webhook started no cascade');
  },
);
