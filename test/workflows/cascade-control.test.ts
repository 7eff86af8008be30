// CascadeWorkflow control and monitoring on the time-skipping server: run timeouts after simulated hours,
// approval gates, a weekend maintenance window, the webhook fast path versus
// polling, duplicate and out-of-order run-state signals.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { observe, startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { approveSignal, rejectSignal, runStateSignal } from '../../src/workflows/cascade-types';
import { parseBlackouts } from '../../src/cascade/blackout';
import { FINISHED, signalMonitor, stackOf, waitForStatus } from '../support/cascade-status';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const HOUR = 3600_000;

t.test('a run that never ends times out after the 4 h default, in simulated time, and its dependents are skipped', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:eks'] }]);
  t.teardown(() => stopSpacelift(sl));
  const wallStart = Date.now();
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc' }));
  t.match(stackOf(status, 'eks'), { state: 'failed', runState: 'TIMED_OUT', reason: 'run timed out' });
  t.match(stackOf(status, 'app'), { state: 'skipped', reason: 'upstream eks TIMED_OUT' });
  const monitor = await env.client.workflow.getHandle(runMonitorWorkflowId(stackOf(status, 'eks')?.runId ?? '')).describe();
  const watched = (monitor.closeTime?.getTime() ?? 0) - monitor.startTime.getTime();
  t.ok(watched >= 4 * HOUR && watched < 4 * HOUR + 60_000, `the run was watched for ${(watched / HOUR).toFixed(3)} simulated hours`);
  t.ok(Date.now() - wallStart < 60_000, 'hours were skipped, not waited');
  const polls = sl.fake.requests.filter((r) => r.operation === 'getRun').length;
  t.ok(polls >= 5 && polls <= 40, `polled with backoff, not in a tight loop (${polls} polls)`);
});

t.test('approval gate: approved stacks run, rejected and unanswered ones are skipped with the reason', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'prod', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'stage', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'dr', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'after-prod', labels: ['dependsOn:prod'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, async ({ startCascade }) => {
    const handle = await startCascade({ stack_id: 'vpc', options: { approvalTimeoutMs: 2 * HOUR } });
    const waiting = await waitForStatus(handle, (s) => s.stacks.filter((x) => x.state === 'waiting_for_approval').length === 3);
    t.equal(sl.fake.triggers.length, 0, 'nothing runs before approval');
    t.ok(waiting.stacks.every((s) => (s.id === 'after-prod' ? s.state === 'waiting_for_parents' : true)));
    await handle.signal(approveSignal, { stackId: 'prod', by: 'jane' });
    await handle.signal(rejectSignal, { stackId: 'stage', by: 'bob', reason: 'freeze' });
    return await handle.result();
  });
  t.match(stackOf(status, 'prod'), { state: 'finished', approvedBy: 'jane' });
  t.equal(stackOf(status, 'after-prod')?.state, 'finished');
  t.match(stackOf(status, 'stage'), { state: 'skipped', reason: 'rejected by bob: freeze' });
  t.match(stackOf(status, 'dr'), { state: 'skipped', reason: 'approval timed out' });
  t.same(sl.fake.triggers.map((tr) => tr.stackId).sort(), ['after-prod', 'prod']);
});

t.test('a weekend maintenance window holds triggers until Monday 06:00 UTC (durable timer)', async (t) => {
  // Move the test server's clock to the next Saturday 10:00 UTC.
  const now = await env.currentTimeMs();
  const day = new Date(now).getUTCDay(); // 0 = Sunday
  const saturday = new Date(now);
  saturday.setUTCDate(saturday.getUTCDate() + ((6 - day + 7) % 7 || 7));
  saturday.setUTCHours(10, 0, 0, 0);
  await env.sleep(saturday.getTime() - now);
  const monday6 = Date.UTC(saturday.getUTCFullYear(), saturday.getUTCMonth(), saturday.getUTCDate() + 2, 6);

  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }], { defaultRunOutcome: FINISHED });
  t.teardown(() => stopSpacelift(sl));
  let triggeredAt = 0;
  const spacelift = observe(sl.client, { beforeTrigger: async () => void (triggeredAt = await env.currentTimeMs()) });
  const status = await withWorker(env, spacelift, async ({ startCascade }) => {
    const handle = await startCascade({ stack_id: 'vpc', options: { blackouts: parseBlackouts('Sat 00:00-Mon 06:00') } });
    const waiting = await waitForStatus(handle, (s) => stackOf(s, 'eks')?.state === 'waiting_for_window');
    t.match(stackOf(waiting, 'eks')?.reason, /maintenance window until .*T06:00:00/);
    return await handle.result();
  });
  t.equal(stackOf(status, 'eks')?.state, 'finished');
  t.ok(triggeredAt >= monday6 && triggeredAt < monday6 + 60_000, `triggered at ${new Date(triggeredAt).toISOString()}`);
});

t.test('webhook fast path: the run-state signal completes the monitor without polling', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:eks'] }]);
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, async ({ startCascade, client }) => {
    // Deliver every run's terminal state the way the webhook listener does: signal spacelift-run-<runId>.
    sl.fake.onTrigger(({ runId }) => {
      void signalMonitor(client, runMonitorWorkflowId(runId), {
        state: 'FINISHED',
        stateVersion: 7,
        delta: { added: 0, changed: 1, deleted: 0 },
      });
    });
    const handle = await startCascade({ stack_id: 'vpc', options: { pollInitialMs: 6 * HOUR } });
    // Queries only until it is done: result() would let the server skip straight to the 6 h poll timer.
    await waitForStatus(handle, (s) => s.done);
    // Then wait for the workflow to close, so no task of it outlives this worker (a pending task would keep
    // the test server's time-skipping lock held for the tests after this one).
    return await handle.result();
  });
  t.equal(stackOf(status, 'app')?.state, 'finished');
  t.equal(sl.fake.requests.filter((r) => r.operation === 'getRun').length, 0, 'no polling was needed');
});

t.test('polling fallback: with no webhook the same cascade completes by polling', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:eks'] }], {
    defaultRunOutcome: { ...FINISHED, afterPolls: 2 },
  });
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc' }));
  t.equal(stackOf(status, 'app')?.state, 'finished');
  t.equal(sl.fake.requests.filter((r) => r.operation === 'getRun').length, 6, 'three polls per run');
});

t.test('duplicate and out-of-order run-state signals: the first terminal state wins', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:eks'] }]);
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, async ({ startCascade, client }) => {
    const handle = await startCascade({ stack_id: 'vpc', options: { pollInitialMs: 6 * HOUR } });
    const running = await waitForStatus(handle, (s) => stackOf(s, 'eks')?.state === 'running');
    const monitor = client.workflow.getHandle(runMonitorWorkflowId(stackOf(running, 'eks')?.runId ?? ''));
    await monitor.signal(runStateSignal, { state: 'APPLYING', stateVersion: 5 });
    await monitor.signal(runStateSignal, { state: 'FAILED', stateVersion: 9 });
    await monitor.signal(runStateSignal, { state: 'FAILED', stateVersion: 9 });
    await monitor.signal(runStateSignal, { state: 'PLANNING', stateVersion: 3 });
    await monitor.signal(runStateSignal, { state: 'FINISHED', stateVersion: 10 });
    return await handle.result();
  });
  t.match(stackOf(status, 'eks'), { state: 'failed', runState: 'FAILED' });
  t.match(stackOf(status, 'app'), { state: 'skipped', reason: 'upstream eks FAILED' });
  t.equal(sl.fake.triggerCount('app'), 0);
});
