// Spacelift outages longer than three attempts, on the time-skipping server: reads (the plan, a monitor's polls)
// retry until their own deadline, so an outage of minutes delays a cascade and never fails or loses a stack.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { FINISHED, signalMonitor, stackOf, states, waitForStatus } from '../support/cascade-status';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const diamond = [
  { id: 'vpc' },
  { id: 'eks', labels: ['dependsOn:vpc'] },
  { id: 'rds', labels: ['dependsOn:vpc'] },
  { id: 'app', labels: ['dependsOn:eks,rds'] },
];
const polled = { pollInitialMs: 1_000, pollMaxMs: 4_000 };
const getRuns = (sl: { fake: { requests: { operation: string }[] } }) => sl.fake.requests.filter((r) => r.operation === 'getRun').length;

t.test('an outage of 20 failed polls in a row (about 15 simulated minutes) fails no stack', async (t) => {
  const sl = await startSpacelift(diamond, { defaultRunOutcome: { ...FINISHED, afterPolls: 1 } });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'getRun', kind: 'http500', times: 10 });
  sl.fake.inject({ operation: 'getRun', kind: 'http429', times: 5 });
  sl.fake.inject({ operation: 'getRun', kind: 'reset', times: 5 });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', options: polled }));
  t.same(states(status), { eks: 'finished', rds: 'finished', app: 'finished' });
  t.same(sl.fake.triggers.map((tr) => tr.stackId).sort(), ['app', 'eks', 'rds'], 'each stack ran once');
  t.ok(getRuns(sl) > 20, `${getRuns(sl)} polls`);
});

t.test('an outage when the cascade starts delays its plan; the cascade is not lost', async (t) => {
  const sl = await startSpacelift(diamond, { defaultRunOutcome: FINISHED });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'searchStacks', kind: 'http500', times: 15 });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', options: polled }));
  t.same(states(status), { eks: 'finished', rds: 'finished', app: 'finished' });
  t.equal(sl.fake.triggers.length, 3);
});

t.test('a webhook that arrives during a poll outage ends the monitor at once, without waiting the outage out', async (t) => {
  const sl = await startSpacelift(diamond.slice(0, 2));
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'getRun', kind: 'http500', times: 100_000 });
  const status = await withWorker(env, sl.client, async ({ client, startCascade }) => {
    const handle = await startCascade({ stack_id: 'vpc', options: polled });
    const running = await waitForStatus(handle, (s) => stackOf(s, 'eks')?.runId !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a poll or two are out, failing
    const monitorId = runMonitorWorkflowId(stackOf(running, 'eks')?.runId as string);
    await signalMonitor(client, monitorId, { state: 'FINISHED', delta: FINISHED.delta });
    const result = await handle.result();
    const events = (await client.workflow.getHandle(monitorId).fetchHistory()).events ?? [];
    const at = (type: keyof typeof temporal.api.enums.v1.EventType) =>
      Number(events.find((e) => e.eventType === temporal.api.enums.v1.EventType[type])?.eventTime?.seconds);
    const after = at('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED') - at('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    t.ok(after < 60, `the monitor ended ${after} simulated seconds after the webhook`);
    return result;
  });
  t.match(stackOf(status, 'eks'), { state: 'finished', runState: 'FINISHED' });
});
