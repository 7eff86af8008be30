// SPACELIFT_TRIGGER_RATE is Temporal's task-queue rate limit on the trigger queue, on the dev server (which
// enforces it): a trigger that must wait is simply not dispatched yet, so waiting spends neither its timeout nor its
// attempts. Before, a token bucket inside the activity made a direct chain of many dependents drop most of them.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createDevEnv();
});
t.teardown(() => env?.teardown());

const RATE = 3;
const DEPENDENTS = 60;

t.test(
  `a direct chain of ${DEPENDENTS} dependents at ${RATE} triggers/s: every one is triggered, never faster than the rate`,
  async (t) => {
    const stacks = [
      { id: 'root' },
      ...Array.from({ length: DEPENDENTS }, (_, i) => ({ id: `dep-${String(i).padStart(3, '0')}`, labels: ['dependsOn:root'] })),
    ];
    const sl = await startSpacelift(stacks);
    t.teardown(() => stopSpacelift(sl));
    sl.fake.setLatency(20);
    const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'root' }), { triggerRatePerSecond: RATE });
    const failed = result.dependents.filter((d) => d.status === 'failed');
    t.same(failed, [], 'no dependent was dropped');
    t.equal(sl.fake.triggers.length, DEPENDENTS, 'each triggered once');
    const at = sl.fake.triggers.map((trigger) => trigger.at).sort((a, b) => a - b);
    const busiest = Math.max(...at.map((start) => at.filter((x) => x >= start && x < start + 1000).length));
    t.ok(busiest <= 2 * RATE, `at most ${busiest} triggers in any one second`);
    const seconds = (at[at.length - 1] - at[0]) / 1000;
    t.ok(seconds >= (DEPENDENTS - 2 * RATE) / RATE, `spread over ${seconds.toFixed(1)} s`);
  },
);
