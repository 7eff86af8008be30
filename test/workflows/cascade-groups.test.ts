// Dependency groups on the time-skipping server: `dependsOn:group:<name>` waits for every member of the group
// inside the cascade, observed at the fake Spacelift.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { FINISHED, states } from '../support/cascade-status';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const NETWORK = [
  { id: 'vpc', labels: ['group:network'] },
  { id: 'subnets', labels: ['dependsOn:vpc', 'group:network'] },
  { id: 'routes', labels: ['dependsOn:subnets', 'group:network'] },
  { id: 'firewall', labels: ['group:network'] }, // a member this cascade does not reach
  { id: 'app', labels: ['dependsOn:group:network'] },
];

t.test('a stack that depends on a group runs once, after every member in the cascade finished', async (t) => {
  const sl = await startSpacelift(NETWORK, { defaultRunOutcome: { ...FINISHED, afterPolls: 2 } });
  t.teardown(() => stopSpacelift(sl));
  const finishedWhenAppTriggered: string[][] = [];
  sl.fake.onTrigger(({ stackId }) => {
    if (stackId === 'app')
      finishedWhenAppTriggered.push(
        sl.fake
          .runs()
          .filter((r) => r.state === 'FINISHED')
          .map((r) => r.stackId)
          .sort(),
      );
  });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', run_id: 'R0' }));
  t.same(states(status), { subnets: 'finished', routes: 'finished', app: 'finished' });
  t.same(finishedWhenAppTriggered, [['routes', 'subnets']], 'app was triggered once, after both members below vpc finished');
  t.equal(sl.fake.triggerCount('firewall'), 0, 'a member outside the cascade is neither run nor waited for');
  t.same(
    status.stacks.map((s) => [s.id, s.wave]),
    [
      ['subnets', 0],
      ['routes', 1],
      ['app', 2],
    ],
  );
});

t.test('one failed member skips the stacks that depend on its group', async (t) => {
  const sl = await startSpacelift(NETWORK, { defaultRunOutcome: FINISHED });
  sl.fake.setRunOutcome('routes', { state: 'FAILED', delta: null });
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', run_id: 'R1' }));
  t.same(states(status), { subnets: 'finished', routes: 'failed', app: 'skipped' });
  t.equal(status.stacks.find((s) => s.id === 'app')?.reason, 'upstream routes FAILED');
  t.equal(sl.fake.triggerCount('app'), 0);
});

t.test('a cascade from a stack outside the group still waits for the members it reaches', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'iam' },
      { id: 'vpc', labels: ['dependsOn:iam', 'group:network'] },
      { id: 'dns', labels: ['group:network'] },
      { id: 'app', labels: ['dependsOn:group:network', 'dependsOn:iam'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'iam', run_id: 'R2' }));
  t.same(states(status), { vpc: 'finished', app: 'finished' });
  t.same(status.stacks.find((s) => s.id === 'app')?.wave, 1, 'app waits for vpc (in the group, in the cascade), not for dns');
  t.equal(sl.fake.triggerCount('dns'), 0);
});
