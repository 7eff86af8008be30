// Cancelling a CascadeWorkflow mid-wave, on its own time-skipping server: an activity still outstanding when
// a workflow is cancelled can leave the Java test server's time-skipping lock held (sdk-java#1138), which
// would stall the timer-driven tests of any file sharing that server.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { waitForStatus } from '../support/cascade-status';
import { cascadeStatusQuery, type CascadeStatus } from '../../src/workflows/cascade-types';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const stackOf = (status: CascadeStatus, id: string) => status.stacks.find((s) => s.id === id);

t.test('cancellation mid-wave discards the queued runs and cancels what had not started', async (t) => {
  const sl = await startSpacelift([
    { id: 'vpc' },
    { id: 'eks', labels: ['dependsOn:vpc'] },
    { id: 'rds', labels: ['dependsOn:vpc'] },
    { id: 'app', labels: ['dependsOn:eks,rds'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, async ({ startCascade }) => {
    const handle = await startCascade({ stack_id: 'vpc' });
    await waitForStatus(handle, (s) => s.stacks.filter((x) => x.state === 'running').length === 2);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    t.type(err, WorkflowFailedError, 'the cascade ends as cancelled');
    return handle.query(cascadeStatusQuery);
  });
  t.match(stackOf(status, 'eks'), { state: 'cancelled', reason: 'run CANCELED' });
  t.match(stackOf(status, 'rds'), { state: 'cancelled', reason: 'run CANCELED' });
  t.match(stackOf(status, 'app'), { state: 'cancelled', reason: 'cascade cancelled' });
  t.same(sl.fake.runs().map((r) => r.state), ['CANCELED', 'CANCELED']);
  t.equal(sl.fake.triggerCount('app'), 0);
});
