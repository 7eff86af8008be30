// The workflows' metrics sinks on the time-skipping server: the approvals gauge while stacks wait and after
// the answers, triggers counted in graph and direct mode, cascades counted by outcome. Cancellation comes last
// and has its own file's server for the reason given in cascade-cancel.test.ts.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { FINISHED, stackOf, waitForStatus } from '../support/cascade-status';
import { createCascadeMetrics, type CascadeMetrics } from '../../src/metrics';
import { metricValue } from '../support/metric-value';
import { approveSignal, rejectSignal } from '../../src/workflows/cascade-types';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const outcomes = async (metrics: CascadeMetrics) => ({
  completed: await metricValue(metrics.cascades, { outcome: 'completed' }),
  failed: await metricValue(metrics.cascades, { outcome: 'failed' }),
  cancelled: await metricValue(metrics.cascades, { outcome: 'cancelled' }),
});

/** Sink calls run when the workflow task that made them completes; give that a moment in real time. */
async function eventually(read: () => Promise<number>, expected: number): Promise<number> {
  for (let i = 0; i < 100 && (await read()) !== expected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return read();
}

t.test('approval gates: the gauge counts waiting stacks, drops to 0 once answered; triggers and completion are counted', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'prod', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'stage', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'after-prod', labels: ['dependsOn:prod'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  const metrics = createCascadeMetrics();
  const status = await withWorker(
    env,
    sl.client,
    async ({ startCascade }) => {
      const handle = await startCascade({ stack_id: 'vpc' });
      await waitForStatus(handle, (s) => s.stacks.filter((x) => x.state === 'waiting_for_approval').length === 2);
      t.equal(await eventually(() => metricValue(metrics.approvalsWaiting, {}), 2), 2, 'two stacks wait for approval');
      t.match(await metrics.exposition(), /^spacelift_cascade_approvals_waiting 2$/m);
      t.equal(await metricValue(metrics.triggers, {}), 0, 'nothing triggered before approval');

      await handle.signal(rejectSignal, { stackId: 'stage', by: 'bob' });
      await waitForStatus(handle, (s) => stackOf(s, 'stage')?.state === 'skipped');
      t.equal(await eventually(() => metricValue(metrics.approvalsWaiting, {}), 1), 1, 'a rejection ends one wait');

      await handle.signal(approveSignal, { stackId: 'prod', by: 'jane' });
      // Await the result before the worker shuts down: nothing of this cascade may outlive it.
      return await handle.result();
    },
    { metrics },
  );
  t.equal(stackOf(status, 'after-prod')?.state, 'finished');
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 0, 'nothing waits once approved');
  t.equal(await metricValue(metrics.triggers, {}), 2, 'prod and after-prod were triggered');
  t.same(await outcomes(metrics), { completed: 1, failed: 0, cancelled: 0 });
});

t.test(
  'stuck work: while a stack waits for approval and its child for it, the book holds when each began; nothing once it ends',
  async (t) => {
    const sl = await startSpacelift(
      [
        { id: 'sw-vpc' },
        { id: 'sw-prod', labels: ['dependsOn:sw-vpc', 'cascade:approval'] },
        { id: 'sw-app', labels: ['dependsOn:sw-prod'] },
      ],
      {
        defaultRunOutcome: FINISHED,
      },
    );
    t.teardown(() => stopSpacelift(sl));
    const metrics = createCascadeMetrics();
    await withWorker(
      env,
      sl.client,
      async ({ startCascade }) => {
        const handle = await startCascade({ stack_id: 'sw-vpc' });
        const waiting = await waitForStatus(handle, (s) => stackOf(s, 'sw-prod')?.state === 'waiting_for_approval');
        const entered = (id: string, state: string) => Date.parse(stackOf(waiting, id)?.timeline?.find((e) => e.state === state)?.at ?? '');
        const approvalSince = entered('sw-prod', 'waiting_for_approval');
        const ageAt = (state: 'waiting_for_approval' | 'waiting_for_parents') => metrics.oldestWaits.ages(approvalSince + 60_000)[state];
        t.equal(await eventually(async () => ageAt('waiting_for_approval'), 60), 60, 'the approval wait, from the moment it began');
        t.equal(
          ageAt('waiting_for_parents'),
          (approvalSince + 60_000 - entered('sw-app', 'waiting_for_parents')) / 1000,
          'the child waits for its parent',
        );
        t.match(await metrics.exposition(), /^spacelift_cascade_oldest_wait_seconds\{state="waiting_for_approval"\} \d/m);
        await handle.signal(approveSignal, { stackId: 'sw-prod', by: 'jane' });
        return handle.result();
      },
      { metrics },
    );
    t.same(
      metrics.oldestWaits.ages(Date.now()),
      {
        waiting_for_parents: 0,
        waiting_for_approval: 0,
        waiting_for_slot: 0,
        waiting_for_window: 0,
        waiting_for_retry: 0,
        triggering: 0,
        running: 0,
      },
      'an ended cascade waits for nothing',
    );
  },
);

t.test('a cascade with a failed stack counts as failed; a run that failed is still a trigger', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:eks'] }], {
    defaultRunOutcome: FINISHED,
  });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.setRunOutcome('eks', { state: 'FAILED' });
  const metrics = createCascadeMetrics();
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc' }), { metrics });
  t.match(stackOf(status, 'eks'), { state: 'failed' });
  t.match(stackOf(status, 'app'), { state: 'skipped' });
  t.same(await outcomes(metrics), { completed: 0, failed: 1, cancelled: 0 });
  t.equal(await metricValue(metrics.triggers, {}), 1);
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 0);
});

t.test('direct mode: every run the chain triggered is counted, a failed trigger is not', async (t) => {
  const sl = await startSpacelift([
    { id: 'vpc' },
    { id: 'eks', labels: ['dependsOn:vpc'] },
    { id: 'rds', labels: ['dependsOn:vpc'] },
    { id: 'cdn', labels: ['dependsOn:vpc'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'cdn', kind: 'http500', times: 3 });
  const metrics = createCascadeMetrics();
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }), { metrics });
  t.same(result.dependents.map((d) => `${d.stack_id}:${d.status}`).sort(), ['cdn:failed', 'eks:triggered', 'rds:triggered']);
  t.equal(await metricValue(metrics.triggers, {}), 2);
  t.same(await outcomes(metrics), { completed: 0, failed: 0, cancelled: 0 }, 'a direct chain is not a cascade');
});

t.test('cancelling a cascade while a stack waits for approval counts it cancelled and clears its wait', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'prod', labels: ['dependsOn:vpc', 'cascade:approval'] }], {
    defaultRunOutcome: FINISHED,
  });
  t.teardown(() => stopSpacelift(sl));
  const metrics = createCascadeMetrics();
  await withWorker(
    env,
    sl.client,
    async ({ startCascade }) => {
      const handle = await startCascade({ stack_id: 'vpc' });
      await waitForStatus(handle, (s) => stackOf(s, 'prod')?.state === 'waiting_for_approval');
      t.equal(await eventually(() => metricValue(metrics.approvalsWaiting, {}), 1), 1);
      await handle.cancel();
      t.type(await handle.result().catch((err: unknown) => err), WorkflowFailedError, 'the cascade ends as cancelled');
    },
    { metrics },
  );
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 0);
  t.same(await outcomes(metrics), { completed: 0, failed: 0, cancelled: 1 });
  t.equal(await metricValue(metrics.triggers, {}), 0);
});
