// Two graph cascades that reach the same stack, on the time-skipping server. The stack's StackRunsWorkflow triggers
// its runs one at a time: a cascade that asks while the newest run has not started joins it, so the stack runs once;
// once the run has started, the next cascade gets a run of its own. A cancelled cascade leaves a shared run to the
// other one; the last cascade to leave cancels it.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { activityInfo } from '@temporalio/activity';
import { observe, startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { FINISHED, signalMonitor, stackOf, waitForStatus } from '../support/cascade-status';
import { cascadeStatusQuery, type CascadeStatus } from '../../src/workflows/cascade-types';
import { stackRunsQuery } from '../../src/workflows/stack-runs-types';
import { runMonitorWorkflowId, stackRunsWorkflowId } from '../../src/workflows/workflow-ids';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

/** vpc and dns finish a minute apart; app depends on both: each one's cascade reaches app. */
const account = (p: string) => [{ id: `${p}-vpc` }, { id: `${p}-dns` }, { id: `${p}-app`, labels: [`dependsOn:${p}-vpc,${p}-dns`] }];
const polled = { pollInitialMs: 1_000, pollMaxMs: 2_000 };
const runOf = (status: CascadeStatus, id: string) => stackOf(status, id)?.runId;
/**
 * Both results, one after the other: each result() unlocks the test server's time skipping while it waits, and two
 * at once leave its lock count one short, so time would then skip even while workflow tasks are running.
 */
const bothResults = async (a: WorkflowHandle, b: WorkflowHandle) => [
  (await a.result()) as CascadeStatus,
  (await b.result()) as CascadeStatus,
];

t.test('two overlapping cascades that share a stack trigger it once while its run has not started', async (t) => {
  const sl = await startSpacelift(account('s1'));
  t.teardown(() => stopSpacelift(sl));
  const [a, b] = await withWorker(env, sl.client, async ({ startCascade }) => {
    const first = await startCascade({ stack_id: 's1-vpc', run_id: 'R1', options: polled }, 'cascade-s1-vpc-R1');
    const one = await waitForStatus(first, (s) => runOf(s, 's1-app') !== undefined);
    const second = await startCascade({ stack_id: 's1-dns', run_id: 'R2', options: polled }, 'cascade-s1-dns-R2');
    const two = await waitForStatus(second, (s) => runOf(s, 's1-app') !== undefined);
    t.equal(runOf(two, 's1-app'), runOf(one, 's1-app'), 'the second cascade joined the queued run');
    const shared = await env.client.workflow.getHandle(stackRunsWorkflowId('s1-app')).query(stackRunsQuery);
    t.same(
      shared.runs.map((r) => [r.runId, r.triggeredFor, r.cascades]),
      [[runOf(one, 's1-app'), 'cascade-s1-vpc-R1', ['cascade-s1-vpc-R1', 'cascade-s1-dns-R2']]],
    );
    sl.fake.setRunOutcome('s1-app', FINISHED);
    return bothResults(first, second);
  });
  t.equal(sl.fake.triggerCount('s1-app'), 1, 'app was triggered once');
  t.match(stackOf(a, 's1-app'), { state: 'finished', runState: 'FINISHED' });
  t.notOk(stackOf(a, 's1-app')?.sharedFrom, 'the first cascade triggered it');
  t.match(stackOf(b, 's1-app'), { state: 'finished', sharedFrom: 'cascade-s1-vpc-R1', runId: runOf(a, 's1-app') });
  t.match(
    b.decisions.find((d) => d.stackId === 's1-app' && d.decision === 'joined'),
    { runId: runOf(a, 's1-app'), reason: /triggered by cascade-s1-vpc-R1; it had not started \(QUEUED\)/ },
  );
  t.notOk(
    a.decisions.some((d) => d.decision === 'joined'),
    'the audit trail of the first says triggered',
  );
});

t.test('a run that has started is not joined: the later cascade gets a run of its own', async (t) => {
  const sl = await startSpacelift(account('s2'));
  t.teardown(() => stopSpacelift(sl));
  const [a, b] = await withWorker(env, sl.client, async ({ startCascade }) => {
    const first = await startCascade({ stack_id: 's2-vpc', options: polled }, 'cascade-s2-vpc');
    const one = await waitForStatus(first, (s) => runOf(s, 's2-app') !== undefined);
    sl.fake.setRunState(runOf(one, 's2-app') as string, 'PLANNING');
    const second = await startCascade({ stack_id: 's2-dns', options: polled }, 'cascade-s2-dns');
    await waitForStatus(second, (s) => runOf(s, 's2-app') !== undefined);
    sl.fake.setRunOutcome('s2-app', FINISHED);
    return bothResults(first, second);
  });
  t.equal(sl.fake.triggerCount('s2-app'), 2, 'a second run, since the first had already read its inputs');
  t.not(runOf(a, 's2-app'), runOf(b, 's2-app'));
  t.match([stackOf(a, 's2-app')?.state, stackOf(b, 's2-app')?.state], ['finished', 'finished']);
  t.notOk(stackOf(b, 's2-app')?.sharedFrom);
});

t.test('cancelling one of two cascades that share a run leaves it running; cancelling the other cancels it', async (t) => {
  const sl = await startSpacelift(account('s3'));
  t.teardown(() => stopSpacelift(sl));
  await withWorker(env, sl.client, async ({ startCascade }) => {
    const first = await startCascade({ stack_id: 's3-vpc', options: polled }, 'cascade-s3-vpc');
    await waitForStatus(first, (s) => runOf(s, 's3-app') !== undefined);
    const second = await startCascade({ stack_id: 's3-dns', options: polled }, 'cascade-s3-dns');
    await waitForStatus(second, (s) => runOf(s, 's3-app') !== undefined);
    const cancelled = async (handle: WorkflowHandle) => {
      await handle.cancel();
      await handle.result().catch(() => undefined);
      return handle.query(cascadeStatusQuery);
    };
    const a = await cancelled(first);
    t.match(stackOf(a, 's3-app'), { state: 'cancelled', reason: 'run continues for cascade-s3-dns' });
    t.same(
      sl.fake.runs('s3-app').map((r) => r.state),
      ['QUEUED'],
      'the shared run is left to the other cascade',
    );
    t.match(stackOf(await second.query(cascadeStatusQuery), 's3-app'), { state: 'running' });
    const b = await cancelled(second);
    t.match(stackOf(b, 's3-app'), { state: 'cancelled', reason: 'run CANCELED' });
  });
  t.same(
    sl.fake.runs('s3-app').map((r) => r.state),
    ['CANCELED'],
    'the last cascade to leave cancelled it',
  );
  t.equal(sl.fake.triggerCount('s3-app'), 1);
});

// Found while writing the fault-schedule suite (docs/reliability.md, defect 2): the check whether the newest run has started
// reads its state, and the run can end while that read is out. A cascade that then joined it waited for an end
// that had already been told.
t.test('a run that ends while the next cascade checks whether it started is not joined: that cascade gets a run of its own', async (t) => {
  const sl = await startSpacelift(account('s4'));
  t.teardown(() => stopSpacelift(sl));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held: (() => void) | undefined;
  const readHeld = new Promise<void>((resolve) => (held = resolve));
  // StackRunsWorkflow's read answers QUEUED, as Spacelift did, but only after the run's end has been handled.
  const spacelift = {
    ...observe(sl.client, {}),
    getRun: async (stackId: string, runId: string) => {
      const run = await sl.client.getRun(stackId, runId);
      if (activityInfo().workflowExecution?.workflowId === stackRunsWorkflowId('s4-app') && held) {
        held();
        held = undefined;
        await gate;
      }
      return run;
    },
  };
  const [a, b] = await withWorker(env, spacelift, async ({ client, startCascade }) => {
    const first = await startCascade({ stack_id: 's4-vpc', options: polled }, 'cascade-s4-vpc');
    const one = await waitForStatus(first, (s) => runOf(s, 's4-app') !== undefined);
    const second = await startCascade({ stack_id: 's4-dns', options: polled }, 'cascade-s4-dns');
    await readHeld;
    const runId = runOf(one, 's4-app') as string;
    sl.fake.setRunState(runId, 'FINISHED', FINISHED.delta);
    await signalMonitor(client, runMonitorWorkflowId(runId, 's4-app'), { state: 'FINISHED', delta: FINISHED.delta });
    await waitForStatus(first, (s) => stackOf(s, 's4-app')?.state === 'finished');
    sl.fake.setRunOutcome('s4-app', FINISHED);
    release();
    return bothResults(first, second);
  });
  t.match(stackOf(a, 's4-app'), { state: 'finished' });
  t.match(stackOf(b, 's4-app'), { state: 'finished', runState: 'FINISHED' }, 'the second cascade ended too');
  t.not(runOf(b, 's4-app'), runOf(a, 's4-app'), 'with a run of its own: the first had ended');
  t.notOk(stackOf(b, 's4-app')?.sharedFrom);
  t.equal(sl.fake.triggerCount('s4-app'), 2);
});

// Found by the fault-schedule suite (docs/reliability.md, defect 3): a trigger retried after a failed attempt
// looks for a run of its own created since the decision (less a minute of clock skew), and took the run that the
// same stack's workflow had triggered for the other cascade, once that run had ended and was no longer tracked.
t.test('a retried trigger never adopts the run another cascade got from the same stack, even once that run has ended', async (t) => {
  // Spacelift's clock on the test server's time, as run creation times are compared with the workflow's.
  const offset = (await env.currentTimeMs()) - Date.now();
  const sl = await startSpacelift(account('s5'), { now: () => Date.now() + offset });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.setRunOutcome('s5-app', FINISHED);
  const [a, b] = await withWorker(env, sl.client, async ({ startCascade }) => {
    const one = await (await startCascade({ stack_id: 's5-vpc', options: polled }, 'cascade-s5-vpc')).result();
    sl.fake.inject({ operation: 'runTrigger', stackId: 's5-app', kind: 'http500' });
    const two = await (await startCascade({ stack_id: 's5-dns', options: polled }, 'cascade-s5-dns')).result();
    return [one, two];
  });
  t.equal(sl.fake.triggerCount('s5-app'), 2, 'the second cascade triggered a run of its own, on its second attempt');
  t.not(runOf(b, 's5-app'), runOf(a, 's5-app'));
  t.match(stackOf(b, 's5-app'), { state: 'finished', runState: 'FINISHED' });
  t.notOk(stackOf(b, 's5-app')?.sharedFrom);
});
