// The worker process is SIGKILLed in the middle of a cascade, at the worst moment: Spacelift has created a run but
// the worker never sees the answer. A new worker finishes the cascade, adopts that run, and triggers nothing twice.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CASCADE_WORKFLOW_TYPE, type CascadeInput, type CascadeStatus } from '../../src/workflows/cascade-types';
import { CHAIN_WORKFLOW_TYPE, type ChainResult } from '../../src/workflows/types';
import { startFakeSpacelift, type FakeStackSpec, type RecordedTrigger } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { startCli, within } from './helpers';

const wave1 = Array.from({ length: 12 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);
const wave2 = wave1.slice(0, 6).map((parent) => ({ id: `${parent}-child`, parent }));
const account: FakeStackSpec[] = [
  { id: 'root' },
  ...wave1.map((id) => ({ id, labels: ['dependsOn:root'] })),
  ...wave2.map(({ id, parent }) => ({ id, labels: [`dependsOn:${parent}`] })),
];
const KILL_AT_TRIGGER = 5;

t.test(
  'SIGKILL of the worker mid-cascade: a new worker completes it, every stack triggered exactly once',
  { timeout: 150_000 },
  async (t) => {
    const env: TestWorkflowEnvironment = await createDevEnv();
    t.teardown(() => env.teardown());
    // Runs end on their second poll, so the cascade is still busy when the worker dies.
    const fake = await startFakeSpacelift({ stacks: account, defaultRunOutcome: { state: 'FINISHED', afterPolls: 1 } });
    t.teardown(() => fake.close());
    const taskQueue = uniqueTaskQueue('faults-kill');
    const options = { temporal: env.address, taskQueue, fake, env: { SPACELIFT_TRIGGER_RATE: '0' } };

    const first = await startCli('worker', options);
    t.teardown(() => first.stop());
    let killedAt: RecordedTrigger | undefined;
    fake.onTrigger((trigger) => {
      // Synchronous, before the fake writes its answer: the run exists, the worker never learns its ID.
      if (fake.triggers.length === KILL_AT_TRIGGER && !killedAt) {
        killedAt = trigger;
        first.cli.child.kill('SIGKILL');
      }
    });

    const input: CascadeInput = {
      stack_id: 'root',
      run_id: 'faults-kill',
      options: { maxInFlight: 4, pollInitialMs: 300, pollMaxMs: 600 },
    };
    const handle = await env.client.workflow.start(CASCADE_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `faults-kill-${process.pid}`,
      args: [input],
    });
    const exit = await within(60_000, 'worker death', first.cli.exited);
    t.equal(exit.signal, 'SIGKILL', 'the first worker was killed');
    t.ok(killedAt, `killed while Spacelift answered trigger #${KILL_AT_TRIGGER}`);
    const triggeredBeforeRestart = fake.triggers.length;

    const second = await startCli('worker', options);
    t.teardown(() => second.stop());
    // The killed attempt is retried after its 30 s start-to-close timeout; the rest continues at once.
    const status = (await within(100_000, 'the cascade to complete', handle.result())) as CascadeStatus;

    t.comment(`triggers before the restart: ${triggeredBeforeRestart}, in all: ${fake.triggers.length}`);
    t.ok(status.done, 'the cascade completed');
    t.same(
      status.stacks.filter((s) => s.state !== 'finished').map((s) => `${s.id}: ${s.state} ${s.reason ?? ''}`),
      [],
      'every stack finished',
    );
    const all = [...wave1, ...wave2.map((s) => s.id)];
    t.equal(status.stacks.length, all.length);
    for (const id of all) t.equal(fake.triggerCount(id), 1, `${id} triggered exactly once`);
    t.equal(fake.triggers.length, all.length, 'no stack was triggered twice');

    const lost = killedAt as RecordedTrigger;
    t.equal(
      status.stacks.find((s) => s.id === lost.stackId)?.runId,
      lost.runId,
      `the run whose answer was lost (${lost.stackId}) was adopted`,
    );
    t.ok(
      fake.requests.some((r) => r.operation === 'listRuns' && r.variables.stack === lost.stackId),
      'by the retry looking for its own earlier run',
    );
    t.match(
      second.cli.output().stderr + second.cli.output().stdout,
      /adopting run triggered by an earlier attempt/,
      'and logged as adopted',
    );
  },
);

t.test(
  'SIGKILL of the worker mid-chain with local triggers (SPACELIFT_TRIGGER_RATE=0): the retried task adopts the run, none twice',
  { timeout: 150_000 },
  async (t) => {
    const env: TestWorkflowEnvironment = await createDevEnv();
    t.teardown(() => env.teardown());
    const fake = await startFakeSpacelift({ stacks: account });
    t.teardown(() => fake.close());
    const taskQueue = uniqueTaskQueue('faults-kill-chain');
    const options = { temporal: env.address, taskQueue, fake, env: { SPACELIFT_TRIGGER_RATE: '0' } };

    const first = await startCli('worker', options);
    t.teardown(() => first.stop());
    let killedAt: RecordedTrigger | undefined;
    fake.onTrigger((trigger) => {
      if (fake.triggers.length === KILL_AT_TRIGGER && !killedAt) {
        killedAt = trigger;
        first.cli.child.kill('SIGKILL');
      }
    });
    const handle = await env.client.workflow.start(CHAIN_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `faults-kill-chain-${process.pid}`,
      args: [{ stack_id: 'root' }],
    });
    t.equal((await within(60_000, 'worker death', first.cli.exited)).signal, 'SIGKILL', 'the first worker was killed');

    const second = await startCli('worker', options);
    t.teardown(() => second.stop());
    // The killed worker's workflow tasks time out (10 s on its sticky queue) and are retried by the new worker.
    const result = (await within(100_000, 'the chain to complete', handle.result())) as ChainResult;
    t.same(
      result.dependents.map((d) => `${d.stack_id} ${d.status}`).sort(),
      wave1.map((id) => `${id} triggered`),
    );
    for (const id of wave1) t.equal(fake.triggerCount(id), 1, `${id} triggered exactly once`);
    const lost = killedAt as RecordedTrigger;
    const child = await env.client.workflow.getHandle(`faults-kill-chain-${process.pid}/${lost.stackId}`).fetchHistory();
    t.ok(
      child.events?.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
      'the child triggered in a local activity',
    );
    t.match(
      result.dependents.find((d) => d.stack_id === lost.stackId),
      { status: 'triggered', run: { id: lost.runId } },
      `the run whose answer was lost (${lost.stackId}) was adopted`,
    );
    t.match(
      second.cli.output().stderr + second.cli.output().stdout,
      /adopting run triggered by an earlier attempt/,
      'by the retried task, which looked first',
    );
  },
);
