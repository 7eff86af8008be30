// A 1,000-stack graph cascades to completion on the time-skipping server within Temporal's history limits.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import type { FakeStackSpec } from '../support/fake-spacelift';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

/** 10 levels of 100 stacks; each depends on one or two stacks of the level above (diamonds everywhere). */
function layeredAccount(levels: number, width: number): FakeStackSpec[] {
  const id = (level: number, i: number) => `l${level}-${String(i).padStart(3, '0')}`;
  const stacks: FakeStackSpec[] = [{ id: 'root' }];
  for (let level = 0; level < levels; level++) {
    for (let i = 0; i < width; i++) {
      const parents = level === 0 ? ['root'] : [id(level - 1, i), id(level - 1, (i * 7 + 3) % width)];
      stacks.push({ id: id(level, i), labels: [`dependsOn:${[...new Set(parents)].join(',')}`] });
    }
  }
  return stacks;
}

t.test('1,000 stacks in 10 waves: each triggered once, history well inside the limit', { timeout: 900_000 }, async (t) => {
  const sl = await startSpacelift(layeredAccount(10, 100), { defaultRunOutcome: { state: 'FINISHED', delta: null } });
  t.teardown(() => stopSpacelift(sl));
  const workflowId = `scale-${process.pid}`;
  const status = await withWorker(env, sl.client, ({ runCascade }) =>
    runCascade({ stack_id: 'root', options: { maxInFlight: 100 } }, workflowId),
  );
  t.equal(status.stacks.length, 1000);
  t.equal(status.stacks.filter((s) => s.state === 'finished').length, 1000);
  t.equal(sl.fake.triggers.length, 1000);
  t.equal(new Set(sl.fake.triggers.map((tr) => tr.stackId)).size, 1000, 'no stack twice');
  t.equal(Math.max(...status.stacks.map((s) => s.wave)), 9);
  const { historyLength } = await env.client.workflow.getHandle(workflowId).describe();
  t.ok(historyLength < 51_200 / 2, `history of ${historyLength} events (limit 51,200)`);
});
