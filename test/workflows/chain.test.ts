// StackDependencyChainWorkflow on the Java time-skipping test server, with the real activities and the
// real Spacelift client talking to the fake Spacelift GraphQL server.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { generateStacks } from '../support/generate-stacks';
import type { DependentOutcome } from '../../src/workflows/types';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const byId = (outcomes: DependentOutcome[]) => outcomes.map((o) => o.stack_id).sort();

t.test('no dependents: nothing is triggered and the result is empty', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'unrelated', labels: ['team:web'] }]);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.same(result, { stack_id: 'vpc', dependents: [] });
  t.equal(sl.fake.triggers.length, 0);
});

t.test('one dependent is triggered once and its run is reported', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', name: 'EKS', labels: ['dependsOn:vpc'], branch: 'prod' }]);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc', run_id: 'RUN1' }));
  t.equal(result.run_id, 'RUN1');
  t.equal(result.dependents.length, 1);
  const [eks] = result.dependents;
  t.match(eks, { stack_id: 'eks', stack_name: 'EKS', status: 'triggered', run: { branch: 'prod', state: 'QUEUED' } });
  t.equal(sl.fake.triggerCount('eks'), 1);
  t.equal(eks?.status === 'triggered' && eks.run.id, sl.fake.triggers[0]?.runId, 'reported run is the one Spacelift created');
});

t.test('the original {"stack_id"} input is accepted and a missing stack_id fails with a clear reason', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }]);
  t.teardown(() => stopSpacelift(sl));
  await withWorker(env, sl.client, async ({ runChain }) => {
    await t.rejects(runChain({} as never), { cause: { message: 'input.stack_id must be a non-empty string, got undefined' } });
    await t.rejects(runChain({ stack_id: 42 } as never), { cause: { message: /got 42/ } });
  });
  t.equal(sl.fake.requests.length, 0, 'bad input never reaches Spacelift');
});

t.test('250 dependents over several pages are all triggered exactly once, concurrently', async (t) => {
  const stacks = generateStacks({ total: 600, dependentsOf: { stackId: 'root', count: 250 } });
  const sl = await startSpacelift(stacks);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'root' }));
  const expected = stacks
    .filter((s) => s.labels?.includes('dependsOn:root'))
    .map((s) => s.id)
    .sort();
  t.equal(expected.length, 250);
  t.same(byId(result.dependents), expected);
  t.ok(result.dependents.every((d) => d.status === 'triggered'));
  t.same(sl.fake.triggers.map((tr) => tr.stackId).sort(), expected, 'each dependent triggered exactly once');
  const pages = sl.fake.requests.filter((r) => r.operation === 'searchStacks').length;
  t.ok(pages >= Math.ceil(stacks.length / 50), `the whole account was paged (${pages} pages)`);
});

t.test('labels match stack IDs exactly: dependsOn:network is not a dependent of net', async (t) => {
  const sl = await startSpacelift([
    { id: 'net' },
    { id: 'network' },
    { id: 'dns', labels: ['dependsOn:network'] },
    { id: 'netflix', labels: ['dependsOn:netflix-vpc'] },
    { id: 'fw', labels: ['dependsOn:net'] },
    { id: 'NetUpper', labels: ['dependsOn:NET'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'net' }));
  t.same(byId(result.dependents), ['fw']);
  t.equal(sl.fake.triggerCount('dns'), 0);
  t.equal(sl.fake.triggerCount('NetUpper'), 0, 'stack IDs are case-sensitive');
});

t.test('comma lists, both label spellings and any key case are understood', async (t) => {
  const sl = await startSpacelift([
    { id: 'vpc' },
    { id: 'a', labels: ['dependsOn:vpc'] },
    { id: 'b', labels: ['depends-on:vpc'] },
    { id: 'c', labels: ['DependsOn: rds , vpc,,'] },
    { id: 'd', labels: ['DEPENDS-ON:iam,vpc'] },
    { id: 'e', labels: ['dependsOn:rds', 'team:vpc'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.same(byId(result.dependents), ['a', 'b', 'c', 'd']);
});

t.test('a stack labelled as depending on itself is never triggered by its own chain', async (t) => {
  const sl = await startSpacelift([
    { id: 'loop', labels: ['dependsOn:loop'] },
    { id: 'x', labels: ['dependsOn:loop'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'loop' }));
  t.same(byId(result.dependents), ['x']);
  t.equal(sl.fake.triggerCount('loop'), 0);
});

t.test('child workflow IDs are unique per chain, so two chains reaching one stack both trigger it', async (t) => {
  const sl = await startSpacelift([{ id: 'a' }, { id: 'b' }, { id: 'shared', labels: ['dependsOn:a,b'] }]);
  t.teardown(() => stopSpacelift(sl));
  const [fromA, fromB] = await withWorker(env, sl.client, ({ runChain }) =>
    Promise.all([runChain({ stack_id: 'a' }, 'cascade-a-R1'), runChain({ stack_id: 'b' }, 'cascade-b-R2')]),
  );
  t.match(fromA?.dependents, [{ stack_id: 'shared', status: 'triggered' }]);
  t.match(fromB?.dependents, [{ stack_id: 'shared', status: 'triggered' }]);
  t.equal(sl.fake.triggerCount('shared'), 2, 'one run per upstream chain, none lost to an ID collision');
  const children = await Promise.all(
    ['cascade-a-R1/shared', 'cascade-b-R2/shared'].map((id) => env.client.workflow.getHandle(id).describe()),
  );
  t.same(
    children.map((c) => c.type),
    ['StackExecutionWorkflow', 'StackExecutionWorkflow'],
  );
  t.same(
    children.map((c) => c.status.name),
    ['COMPLETED', 'COMPLETED'],
  );
});

t.test(
  'without SPACELIFT_TRIGGER_RATE each child triggers in a local activity; with a rate, on the rate-limited trigger queue',
  async (t) => {
    const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }]);
    t.teardown(() => stopSpacelift(sl));
    const childHistory = async (chainId: string) => {
      const child = env.client.workflow.getHandle(`${chainId}/eks`);
      const events = (await child.fetchHistory()).events ?? [];
      return {
        input: JSON.parse(
          Buffer.from(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? []).toString(),
        ) as Record<string, unknown>,
        activityQueues: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name ?? []),
        localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
      };
    };

    const local = await withWorker(env, sl.client, async ({ runChain }) => {
      await runChain({ stack_id: 'vpc' }, 'chain-local-R1');
      return childHistory('chain-local-R1');
    });
    t.match(
      local,
      { input: { stack_id: 'eks', local_trigger: true }, activityQueues: [], localActivities: 1 },
      'rate 0: one local activity, no task',
    );

    const queued = await withWorker(
      env,
      sl.client,
      async ({ runChain, taskQueue }) => {
        await runChain({ stack_id: 'vpc' }, 'chain-queued-R2');
        return { ...(await childHistory('chain-queued-R2')), taskQueue };
      },
      { triggerRatePerSecond: 50 },
    );
    t.same(queued.activityQueues, [`${queued.taskQueue}-triggers`], 'a rate: the trigger waits its turn on the trigger queue');
    t.equal(queued.localActivities, 0);
    t.notOk('local_trigger' in queued.input);
    t.equal(sl.fake.triggerCount('eks'), 2);
  },
);
