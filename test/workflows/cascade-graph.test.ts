// CascadeWorkflow on the time-skipping server: waves, diamonds, lattices, cycles, failure propagation,
// conditional edges and the concurrency cap, observed at the fake Spacelift.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { FINISHED, stackOf, states } from '../support/cascade-status';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import type { FakeStackSpec } from '../support/fake-spacelift';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

/** Asserts that, when `child` was triggered, every one of `parents` already had a FINISHED run. */
function recordOrder(fake: Awaited<ReturnType<typeof startSpacelift>>['fake']) {
  const finishedWhenTriggered = new Map<string, string[]>();
  fake.onTrigger(({ stackId }) => {
    finishedWhenTriggered.set(
      stackId,
      fake
        .runs()
        .filter((r) => r.state === 'FINISHED')
        .map((r) => r.stackId),
    );
  });
  return (child: string, parents: string[]) => parents.every((p) => finishedWhenTriggered.get(child)?.includes(p));
}

t.test('diamond: the join runs once, only after both branches finished', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc'] },
      { id: 'rds', labels: ['depends-on:vpc'] },
      { id: 'app', labels: ['dependsOn:eks,rds'] },
    ],
    { defaultRunOutcome: { ...FINISHED, afterPolls: 1 } },
  );
  t.teardown(() => stopSpacelift(sl));
  const after = recordOrder(sl.fake);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', run_id: 'R0' }));
  t.same(states(status), { eks: 'finished', rds: 'finished', app: 'finished' });
  t.equal(sl.fake.triggerCount('app'), 1, 'the join ran once');
  t.ok(after('app', ['eks', 'rds']), 'app was triggered after eks and rds finished');
  t.same(
    status.stacks.map((s) => [s.id, s.wave]),
    [
      ['eks', 0],
      ['rds', 0],
      ['app', 1],
    ],
  );
  t.equal(status.done, true);
});

t.test('3-level lattice: every stack once, each after all of its parents', async (t) => {
  const lattice: FakeStackSpec[] = [
    { id: 'a' },
    { id: 'b', labels: ['dependsOn:a'] },
    { id: 'c', labels: ['dependsOn:a'] },
    { id: 'd', labels: ['dependsOn:b'] },
    { id: 'e', labels: ['dependsOn:b,c'] },
    { id: 'f', labels: ['dependsOn:c'] },
    { id: 'g', labels: ['dependsOn:d,e,f', 'depends-on:b'] },
  ];
  const sl = await startSpacelift(lattice, { defaultRunOutcome: FINISHED });
  t.teardown(() => stopSpacelift(sl));
  const after = recordOrder(sl.fake);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'a' }));
  t.same(Object.values(states(status)), Array(6).fill('finished'));
  for (const id of ['b', 'c', 'd', 'e', 'f', 'g']) t.equal(sl.fake.triggerCount(id), 1, `${id} once`);
  t.ok(after('e', ['b', 'c']));
  t.ok(after('g', ['b', 'd', 'e', 'f']));
  t.equal(stackOf(status, 'g')?.wave, 2);
});

for (const length of [1, 2, 5]) {
  t.test(`a cycle of length ${length} is reported, never triggered, and the rest proceeds`, async (t) => {
    const members = Array.from({ length }, (_, i) => `c${i}`);
    const cycle: FakeStackSpec[] = members.map((id, i) => ({
      id,
      labels: [`dependsOn:${i === 0 ? `root,${members[length - 1]}` : members[i - 1]}`],
    }));
    const sl = await startSpacelift(
      [{ id: 'root' }, ...cycle, { id: 'ok', labels: ['dependsOn:root'] }, { id: 'below', labels: ['dependsOn:c0'] }],
      {
        defaultRunOutcome: FINISHED,
      },
    );
    t.teardown(() => stopSpacelift(sl));
    const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'root' }));
    t.same(status.cycles, [[...members, 'c0']]);
    for (const id of members) {
      t.equal(sl.fake.triggerCount(id), 0, `${id} not triggered`);
      t.match(stackOf(status, id), { state: 'skipped', reason: /cycle/ });
    }
    t.match(stackOf(status, 'below'), { state: 'skipped', reason: /cycle/ });
    t.equal(sl.fake.triggerCount('ok'), 1);
    t.equal(stackOf(status, 'ok')?.state, 'finished');
  });
}

t.test('a failure in the middle of a 5-level chain skips everything below it, with the reason', async (t) => {
  const chain: FakeStackSpec[] = [{ id: 's0' }, ...[1, 2, 3, 4, 5].map((i) => ({ id: `s${i}`, labels: [`dependsOn:s${i - 1}`] }))];
  const sl = await startSpacelift(chain, { defaultRunOutcome: FINISHED });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.setRunOutcome('s3', { state: 'FAILED' });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 's0' }));
  t.same(states(status), { s1: 'finished', s2: 'finished', s3: 'failed', s4: 'skipped', s5: 'skipped' });
  t.match(stackOf(status, 's3'), { runState: 'FAILED', reason: 'run FAILED' });
  t.equal(stackOf(status, 's4')?.reason, 'upstream s3 FAILED');
  t.equal(stackOf(status, 's5')?.reason, 'upstream s4 skipped');
  t.equal(sl.fake.triggerCount('s4') + sl.fake.triggerCount('s5'), 0);
});

t.test('conditional edges: |when:changed follows the upstream delta, |state: follows the upstream state', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc|when:changed'] },
      { id: 'dns', labels: ['dependsOn:vpc'] },
      { id: 'cache', labels: ['dependsOn:dns|when:changed'] },
      { id: 'cleanup', labels: ['depends-on:dns|state:FAILED'] },
      { id: 'alert', labels: ['dependsOn:eks|state:FINISHED+FAILED'] },
    ],
    { defaultRunOutcome: { state: 'FINISHED', delta: { added: 0, changed: 0, deleted: 0 } } },
  );
  t.teardown(() => stopSpacelift(sl));
  const noChange = await withWorker(env, sl.client, ({ runCascade }) =>
    runCascade({ stack_id: 'vpc', run_delta: { added: 0, changed: 0, deleted: 0 } }),
  );
  t.match(stackOf(noChange, 'eks'), { state: 'skipped', reason: 'upstream vpc changed no resources' });
  t.equal(stackOf(noChange, 'dns')?.state, 'finished', 'an unconditional edge always fires');
  t.match(stackOf(noChange, 'cache'), { state: 'skipped', reason: 'upstream dns changed no resources' });
  t.match(stackOf(noChange, 'cleanup'), { state: 'skipped', reason: 'upstream dns FINISHED' });
  t.match(stackOf(noChange, 'alert'), { state: 'skipped', reason: 'upstream eks skipped' });

  sl.fake.setRunOutcome('eks', { state: 'FAILED', delta: null });
  const changed = await withWorker(env, sl.client, ({ runCascade }) =>
    runCascade({ stack_id: 'vpc', run_delta: { added: 0, changed: 2, deleted: 0 } }),
  );
  t.equal(stackOf(changed, 'eks')?.state, 'failed', 'vpc changed resources, so eks ran (and failed)');
  t.equal(stackOf(changed, 'alert')?.state, 'finished', 'alert runs on eks FAILED');
});

t.test('global when=changed applies to edges without their own condition', async (t) => {
  const sl = await startSpacelift(
    [{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'rds', labels: ['dependsOn:vpc|when:always'] }],
    {
      defaultRunOutcome: FINISHED,
    },
  );
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, ({ runCascade }) =>
    runCascade({ stack_id: 'vpc', run_delta: null, options: { globalWhen: 'changed' } }),
  );
  t.same(states(status), { eks: 'skipped', rds: 'finished' });
});

t.test('the concurrency cap holds: never more than 3 runs in flight, observed at the fake', async (t) => {
  const stacks: FakeStackSpec[] = [
    { id: 'root' },
    ...Array.from({ length: 12 }, (_, i) => ({ id: `d${String(i).padStart(2, '0')}`, labels: ['dependsOn:root'] })),
  ];
  const sl = await startSpacelift(stacks, { defaultRunOutcome: { ...FINISHED, afterPolls: 2 } });
  t.teardown(() => stopSpacelift(sl));
  let maxInFlight = 0;
  sl.fake.onTrigger(() => {
    maxInFlight = Math.max(maxInFlight, sl.fake.runs().filter((r) => r.state === 'QUEUED').length);
  });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'root', options: { maxInFlight: 3 } }));
  t.equal(status.stacks.filter((s) => s.state === 'finished').length, 12);
  t.equal(maxInFlight, 3, 'the cap was reached and never exceeded');
  t.equal(sl.fake.triggers.length, 12);
});

t.test('cascadePriority orders stacks held back by the cap', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'root' },
      { id: 'low', labels: ['dependsOn:root'] },
      { id: 'mid', labels: ['dependsOn:root', 'cascadePriority:5'] },
      { id: 'high', labels: ['dependsOn:root', 'cascadePriority:10'] },
      { id: 'zero', labels: ['dependsOn:root'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'root', options: { maxInFlight: 1 } }));
  t.same(
    sl.fake.triggers.map((tr) => tr.stackId),
    ['high', 'mid', 'low', 'zero'],
  );
});

t.test('label discovery finds the same graph with calls proportional to the dependents', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc'] },
      { id: 'app', labels: ['depends-on:eks'] },
      ...Array.from({ length: 300 }, (_, i) => ({ id: `other${i}` })),
    ],
    { defaultRunOutcome: FINISHED, discovery: 'label' },
  );
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc' }), { discovery: 'label' });
  t.same(states(status), { eks: 'finished', app: 'finished' });
  t.equal(sl.fake.requests.filter((r) => r.operation === 'searchStacks').length, 3, 'one search per stack in the graph');
});

t.test('ties in the slot queue go by stack ID in code-unit order, whatever the locale (C before a)', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'root' },
      { id: 'a-app', labels: ['dependsOn:root'] },
      { id: 'B-net', labels: ['dependsOn:root'] },
      { id: 'C-dns', labels: ['dependsOn:root'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'root', options: { maxInFlight: 1 } }));
  // B-net takes the free slot first; C-dns and a-app queue for it. localeCompare would put a-app first: an order
  // that may change with the ICU version a replay runs on.
  t.same(
    sl.fake.triggers.map((tr) => tr.stackId),
    ['B-net', 'C-dns', 'a-app'],
  );
});
