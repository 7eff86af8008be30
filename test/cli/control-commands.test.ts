// status, approve, reject and cancel as child processes against a real dev server, on cascades run by a worker in
// this process over the fake Spacelift. Stacks labelled cascade:approval wait for the CLI.
import t from 'tap';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cascadeStatusToJson, renderCascadeStatus, renderChainStatus } from '../../src/cli/control/render-status';
import { cascadeStatusQuery, type CascadeStatus } from '../../src/workflows/cascade-types';
import type { ChainResult } from '../../src/workflows/types';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { createDevEnv } from '../support/temporal';
import { cliEnv, runCli, type CliResult } from './run-cli';

const FINISHED = { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 0 } };
const stackOf = (status: CascadeStatus, id: string) => status.stacks.find((s) => s.id === id);
const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

async function waitForStatus(handle: WorkflowHandle, ready: (s: CascadeStatus) => boolean): Promise<CascadeStatus> {
  for (let i = 0; i < 600; i++) {
    const status = await handle.query(cascadeStatusQuery);
    if (ready(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the cascade never reached the expected state');
}

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createDevEnv();
});
t.teardown(() => env?.teardown());

const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, cliEnv({ TEMPORAL_URL: env.address, ...extra }), 60_000);

t.test('status, approve and reject on a running cascade; refusals exit 1 with the reason', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'prod', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'stage', labels: ['dependsOn:vpc', 'cascade:approval'] },
      { id: 'app', labels: ['dependsOn:prod'] },
      { id: 'loop-a', labels: ['dependsOn:vpc,loop-b'] },
      { id: 'loop-b', labels: ['dependsOn:loop-a'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  const id = `cascade-vpc-01JCONTROL${process.pid}`;

  await withWorker(env, sl.client, async ({ startCascade }) => {
    const handle = await startCascade({ stack_id: 'vpc', run_id: '01JROOT', options: { pollInitialMs: 200 } }, id);
    const waiting = await waitForStatus(handle, (s) => s.stacks.filter((x) => x.state === 'waiting_for_approval').length === 2);
    const header = { workflowId: id, workflowType: 'CascadeWorkflow', execution: 'RUNNING' };

    const text = await cli(['status', id]);
    t.equal(text.code, 0, text.stderr);
    t.equal(text.stdout, `${renderCascadeStatus(header, waiting)}\n`);
    const [headline, root, titles] = lines(text.stdout);
    t.equal(headline, `${id} (CascadeWorkflow) RUNNING, not done`);
    t.equal(root, 'Root: vpc (run 01JROOT)');
    t.match(titles, /^STACK +WAVE +STATE +RUN ID +REASON$/);
    t.match(text.stdout, /^prod +1 +waiting_for_approval +- +-$/m);
    t.match(text.stdout, /^app +2 +waiting_for_parents +- +-$/m);
    t.match(text.stdout, /^loop-a +- +skipped +- +on cycle loop-a → loop-b → loop-a$/m);
    t.match(text.stdout, /^Cycles: loop-a → loop-b → loop-a$/m);

    const json = await cli(['status', id, '--format', 'json']);
    t.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as ReturnType<typeof cascadeStatusToJson>;
    t.same(parsed, cascadeStatusToJson(header, waiting));
    t.match(parsed, {
      workflowId: id,
      workflowType: 'CascadeWorkflow',
      execution: 'RUNNING',
      root: 'vpc',
      rootRunId: '01JROOT',
      done: false,
    });
    t.same(
      parsed.stacks.find((s) => s.id === 'prod'),
      {
        id: 'prod',
        name: 'prod',
        wave: 1,
        state: 'waiting_for_approval',
        runId: null,
        runState: null,
        reason: null,
        approvedBy: null,
        sharedFrom: null,
        attempt: 1,
      },
    );
    t.equal(parsed.stacks.find((s) => s.id === 'loop-a')?.wave, null, 'stacks left out have no wave');

    const notWaiting = await cli(['approve', id, 'app']);
    t.same(
      [notWaiting.code, lines(notWaiting.stderr)],
      [1, [`approve: stack app is not waiting for approval in cascade ${id}: it is waiting_for_parents`]],
    );
    const unknown = await cli(['reject', id, 'nope']);
    t.same([unknown.code, lines(unknown.stderr)], [1, [`reject: stack nope is not part of cascade ${id}`]]);
    const skipped = await cli(['approve', id, 'loop-a']);
    t.same(
      [skipped.code, lines(skipped.stderr)],
      [1, [`approve: stack loop-a is not waiting for approval in cascade ${id}: it is skipped (on cycle loop-a → loop-b → loop-a)`]],
    );
    t.equal(sl.fake.triggers.length, 0, 'nothing ran before an approval');

    const approved = await cli(['approve', id, 'prod', '--by', 'jane'], { USER: 'bob' });
    t.same([approved.code, approved.stdout, approved.stderr], [0, `approved prod in cascade ${id} (by jane)\n`, '']);
    const rejected = await cli(['reject', id, 'stage', '--reason', 'change freeze'], { USER: 'bob' });
    t.same([rejected.code, rejected.stdout], [0, `rejected stage in cascade ${id} (by bob: change freeze)\n`], '--by defaults to $USER');

    const done = await handle.result();
    t.match(stackOf(done, 'prod'), { state: 'finished', approvedBy: 'jane' });
    t.match(stackOf(done, 'stage'), { state: 'skipped', reason: 'rejected by bob: change freeze' });
    t.match(stackOf(done, 'app'), { state: 'finished' });
    t.same(sl.fake.triggers.map((tr) => tr.stackId).sort(), ['app', 'prod']);

    const completed = await cli(['status', id]);
    t.equal(completed.code, 0, completed.stderr);
    t.equal(completed.stdout, `${renderCascadeStatus({ ...header, execution: 'COMPLETED' }, done)}\n`, 'a completed cascade: its result');
    t.match(completed.stdout, /^stage +1 +skipped +- +rejected by bob: change freeze$/m);
    t.match(completed.stdout, new RegExp(`^prod +1 +finished +${stackOf(done, 'prod')?.runId} +approved by jane$`, 'm'));

    const late = await cli(['approve', id, 'prod']);
    t.same([late.code, lines(late.stderr)], [1, [`approve: cascade ${id} has ended (COMPLETED); nothing waits for approval`]]);
  });

  const missing = await cli(['status', 'no-such-cascade']);
  t.same(
    [missing.code, lines(missing.stderr), missing.stdout],
    [1, ['status: workflow no-such-cascade not found in namespace default'], ''],
  );
  const missingApprove = await cli(['approve', 'no-such-cascade', 'prod']);
  t.same([missingApprove.code, lines(missingApprove.stderr)], [1, ['approve: workflow no-such-cascade not found in namespace default']]);
});

t.test('cancel: queued runs are cancelled in Spacelift, waiting stacks never run; a second cancel changes nothing', async (t) => {
  const sl = await startSpacelift([
    { id: 'net' },
    { id: 'slow', labels: ['dependsOn:net'] },
    { id: 'gated', labels: ['dependsOn:net', 'cascade:approval'] },
    { id: 'below', labels: ['dependsOn:slow'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  const id = `cascade-net-01JCANCEL${process.pid}`;

  await withWorker(env, sl.client, async ({ startCascade, runChain }) => {
    const handle = await startCascade({ stack_id: 'net', run_id: '01JCANCEL', options: { pollInitialMs: 200 } }, id);
    await waitForStatus(handle, (s) => stackOf(s, 'slow')?.state === 'running' && stackOf(s, 'gated')?.state === 'waiting_for_approval');

    const cancelled = await cli(['cancel', id]);
    t.equal(cancelled.code, 0, cancelled.stderr);
    const [requested, headline] = lines(cancelled.stdout);
    t.equal(requested, `cancellation requested for ${id} (CascadeWorkflow)`);
    t.equal(headline, `${id} (CascadeWorkflow) CANCELLED, done`);
    t.match(cancelled.stdout, /^slow +1 +cancelled +01FAKERUN\d+ +run CANCELED$/m);
    t.match(cancelled.stdout, /^gated +1 +cancelled +- +cascade cancelled$/m);
    t.match(cancelled.stdout, /^below +2 +cancelled +- +cascade cancelled$/m);
    t.same(
      sl.fake.runs().map((run) => [run.stackId, run.state]),
      [['slow', 'CANCELED']],
      'the queued run was cancelled in Spacelift',
    );

    const again = await cli(['cancel', id]);
    t.same([again.code, again.stdout], [0, `${id} (CascadeWorkflow) has already ended (CANCELLED); nothing to cancel\n`]);

    const status = await cli(['status', id, '--format', 'json']);
    t.equal(status.code, 0, status.stderr);
    const final = JSON.parse(status.stdout) as { execution: string; done: boolean; stacks: Array<{ id: string; state: string }> };
    t.match(final, { execution: 'CANCELLED', done: true });
    t.same(final.stacks.map((s) => [s.id, s.state]).sort(), [
      ['below', 'cancelled'],
      ['gated', 'cancelled'],
      ['slow', 'cancelled'],
    ]);

    // The original one-level chain: status prints its result.
    const chainId = `chain-net-${process.pid}`;
    const result: ChainResult = await runChain({ stack_id: 'net', run_id: '01JCHAIN' }, chainId);
    const chain = await cli(['status', chainId]);
    t.equal(chain.code, 0, chain.stderr);
    const chainHeader = { workflowId: chainId, workflowType: 'StackDependencyChainWorkflow', execution: 'COMPLETED' };
    t.equal(chain.stdout, `${renderChainStatus(chainHeader, result)}\n`);
    t.match(chain.stdout, /^gated +triggered +01FAKERUN\d+$/m);
    t.match(chain.stdout, /^slow +triggered +01FAKERUN\d+$/m);
    const chainJson = await cli(['status', chainId, '--format', 'json']);
    t.same(JSON.parse(chainJson.stdout), { ...chainHeader, result });
  });
});
