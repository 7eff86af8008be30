// A cascade across platforms on the time-skipping server: Spacelift stacks and HCP Terraform workspaces in one
// graph, both fakes behind their real clients. Edges cross with `dependsOn:tfc:<workspace>` (on a stack) and
// `dependsOn:spacelift:<stack>` (a workspace tag); groups may mix both.
import t from 'tap';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { startFakeTerraform, type FakeTerraform } from '../support/fake-terraform';
import { TerraformClient } from '../../src/terraform/client';
import { FINISHED, signalMonitor, states, waitForStatus } from '../support/cascade-status';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { createTimeSkippingEnv } from '../support/temporal';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

async function startTerraform(t: tap.Test, fake: FakeTerraform): Promise<TerraformClient> {
  const client = new TerraformClient({ baseUrl: fake.url, token: fake.token, organization: fake.organization, timeoutMs: 5_000 });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  return client;
}

t.test('a mixed diamond: stack vpc → workspace network + stack rds → stack app → workspace dns', async (t) => {
  const sl = await startSpacelift(
    [{ id: 'vpc' }, { id: 'rds', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:rds', 'dependsOn:tfc:network'] }],
    { defaultRunOutcome: { ...FINISHED, afterPolls: 1 } },
  );
  t.teardown(() => stopSpacelift(sl));
  const fake = await startFakeTerraform({
    workspaces: [
      { name: 'network', tags: ['dependson:spacelift:vpc'] },
      { name: 'dns', tags: ['dependson:spacelift:app'] },
    ],
    // network is slower than rds: app must wait for the workspace, not just for the stack.
    defaultRunOutcome: { status: 'applied', afterPolls: 3, plan: { additions: 2, changes: 0, destructions: 0 } },
  });
  const terraform = await startTerraform(t, fake);
  const order: string[] = [];
  sl.fake.onTrigger(({ stackId }) => order.push(stackId));
  fake.onTrigger(({ workspace }) => order.push(`tfc:${workspace}`));
  const appTriggeredAfter: string[][] = [];
  sl.fake.onTrigger(({ stackId }) => {
    if (stackId !== 'app') return;
    const finished = [
      ...sl.fake
        .runs()
        .filter((r) => r.state === 'FINISHED')
        .map((r) => r.stackId),
      ...fake
        .runs()
        .filter((r) => r.status === 'applied')
        .map((r) => `tfc:${r.workspace}`),
    ];
    appTriggeredAfter.push(finished.sort());
  });

  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', run_id: 'R0' }), { terraform });
  t.same(states(status), { rds: 'finished', 'tfc:network': 'finished', app: 'finished', 'tfc:dns': 'finished' });
  t.same(
    status.stacks.map((s) => [s.id, s.wave]),
    [
      ['rds', 0],
      ['tfc:network', 0],
      ['app', 1],
      ['tfc:dns', 2],
    ],
  );
  t.same(appTriggeredAfter, [['rds', 'tfc:network']], 'app ran once, after both the stack and the workspace finished');
  t.equal(order.at(-1), 'tfc:dns', 'the workspace below app ran last');
  t.same([fake.triggerCount('network'), fake.triggerCount('dns'), sl.fake.triggerCount('app')], [1, 1, 1]);
  t.match(fake.runs('network')[0], { message: 'Triggered by spacelift-cascade' });
  const network = status.stacks.find((s) => s.id === 'tfc:network');
  t.match(network?.runId, /^run-/, 'the workspace run is an HCP Terraform run');
  t.ok(
    status.decisions.some((d) => d.stackId === 'tfc:network' && d.decision === 'triggered'),
    'the audit trail names the workspace',
  );
});

t.test('an errored workspace run skips the Spacelift stacks below it', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'app', labels: ['dependsOn:tfc:network'] }], { defaultRunOutcome: FINISHED });
  t.teardown(() => stopSpacelift(sl));
  const fake = await startFakeTerraform({
    workspaces: [{ name: 'network', tags: ['dependson:spacelift:vpc'] }],
    defaultRunOutcome: { status: 'errored' },
  });
  const terraform = await startTerraform(t, fake);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', run_id: 'R1' }), { terraform });
  t.same(states(status), { 'tfc:network': 'failed', app: 'skipped' });
  t.equal(status.stacks.find((s) => s.id === 'app')?.reason, 'upstream tfc:network FAILED');
  t.equal(sl.fake.triggerCount('app'), 0);
});

t.test('a cascade can start from a workspace, and a mixed group gates a stack', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'subnets', labels: ['dependsOn:tfc:network', 'group:edge'] },
      { id: 'app', labels: ['dependsOn:group:edge'] },
    ],
    { defaultRunOutcome: { ...FINISHED, afterPolls: 2 } },
  );
  t.teardown(() => stopSpacelift(sl));
  const fake = await startFakeTerraform({
    workspaces: [
      { name: 'network', tags: ['group:edge'] },
      { name: 'cdn', tags: ['dependson:network', 'group:edge'] },
    ],
    defaultRunOutcome: { status: 'planned_and_finished' },
  });
  const terraform = await startTerraform(t, fake);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'tfc:network', run_id: 'run-root' }), {
    terraform,
  });
  t.same(states(status), { subnets: 'finished', 'tfc:cdn': 'finished', app: 'finished' });
  t.same(status.stacks.find((s) => s.id === 'app')?.wave, 1, 'app waited for both group members below the root');
  t.equal(fake.triggerCount('network'), 0, 'the root is not run again');
});

t.test('a workspace run reported by webhook (no counts): the monitor reads its delta once, so when:changed edges work', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'app', labels: ['dependsOn:tfc:network|when:changed'] },
      { id: 'audit', labels: ['dependsOn:tfc:quiet|when:changed'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  // Runs stay pending in the fake until the test moves them, then the "webhook" (a signal) reports the end.
  const fake = await startFakeTerraform({
    workspaces: [
      { name: 'network', tags: ['dependson:spacelift:vpc'] },
      { name: 'quiet', tags: ['dependson:spacelift:vpc'] },
    ],
  });
  const terraform = await startTerraform(t, fake);
  const status = await withWorker(
    env,
    sl.client,
    async ({ startCascade, client }) => {
      fake.onTrigger(({ workspace, runId }) => {
        void (async () => {
          await new Promise((resolve) => setImmediate(resolve)); // the run exists once the trigger has been answered
          fake.setRunStatus(
            runId,
            'applied',
            workspace === 'network' ? { additions: 1, changes: 0, destructions: 0 } : { additions: 0, changes: 0, destructions: 0 },
          );
          await signalMonitor(client, runMonitorWorkflowId(runId, `tfc:${workspace}`), { state: 'FINISHED', deltaUnknown: true });
        })();
      });
      const handle = await startCascade({ stack_id: 'vpc', run_id: 'R3', options: { pollInitialMs: 3600_000 } });
      // Queries hold time still, so the workspaces' 1 h poll cannot beat their webhooks; result() then lets the
      // Spacelift stack below finish by polling.
      await waitForStatus(
        handle,
        (s) => s.stacks.filter((stack) => stack.id.startsWith('tfc:') && stack.state === 'finished').length === 2,
      );
      return await handle.result();
    },
    { terraform },
  );
  t.same(states(status), { 'tfc:network': 'finished', 'tfc:quiet': 'finished', app: 'finished', audit: 'skipped' });
  t.equal(status.stacks.find((s) => s.id === 'audit')?.reason, 'upstream tfc:quiet changed no resources');
  t.equal(fake.requests.filter((r) => r.route === 'getRun').length, 2, 'one read per workspace run, after its webhook; no polling');
});

t.test('without HCP Terraform configured, a workspace unit fails at once with a message naming the variables', async (t) => {
  const sl = await startSpacelift([{ id: 'vpc' }]);
  t.teardown(() => stopSpacelift(sl));
  const activities = createActivities({ spacelift: sl.client });
  const err = await new MockActivityEnvironment()
    .run(activities.triggerStackRun, { stackId: 'tfc:network', intentAt: 0 })
    .catch((e: unknown) => e);
  t.type(err, ApplicationFailure);
  t.equal((err as ApplicationFailure).nonRetryable, true, 'no retry can fix a missing configuration');
  t.equal((err as Error).message, 'unit tfc:network belongs to HCP Terraform, which is not configured: set TFC_TOKEN and TFC_ORGANIZATION');
  t.equal(sl.fake.triggers.length, 0);
});
