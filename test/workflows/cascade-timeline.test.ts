// Where a cascade's time goes, recorded for reports: every state a stack entered with its workflow time, and when
// its run was first seen started (past QUEUED/READY). On the time-skipping server.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { FINISHED, signalMonitor, stackOf, waitForStatus } from '../support/cascade-status';
import { approveSignal } from '../../src/workflows/cascade-types';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

t.test('each stack keeps the states it went through, in order, with their times, and when its run started', async (t) => {
  const sl = await startSpacelift([{ id: 'tl-vpc' }, { id: 'tl-app', labels: ['dependsOn:tl-vpc', 'cascade:approval'] }]);
  t.teardown(() => stopSpacelift(sl));
  const status = await withWorker(env, sl.client, async ({ client, startCascade }) => {
    const handle = await startCascade({ stack_id: 'tl-vpc', options: { pollInitialMs: 3600_000 } });
    await waitForStatus(handle, (s) => stackOf(s, 'tl-app')?.state === 'waiting_for_approval');
    await env.sleep('2 hours');
    await handle.signal(approveSignal, { stackId: 'tl-app', by: 'jane' });
    const running = await waitForStatus(handle, (s) => stackOf(s, 'tl-app')?.runId !== undefined);
    const monitor = runMonitorWorkflowId(stackOf(running, 'tl-app')?.runId as string);
    await signalMonitor(client, monitor, { state: 'PLANNING', stateVersion: 2 });
    await signalMonitor(client, monitor, { state: 'FINISHED', stateVersion: 5, delta: FINISHED.delta });
    return await handle.result();
  });
  const app = stackOf(status, 'tl-app');
  t.same(
    app?.timeline?.map((entry) => entry.state),
    ['pending', 'waiting_for_parents', 'waiting_for_approval', 'waiting_for_slot', 'triggering', 'running', 'finished'],
  );
  const at = (state: string) => Date.parse(app?.timeline?.find((entry) => entry.state === state)?.at ?? '');
  const waited = at('waiting_for_slot') - at('waiting_for_approval');
  t.ok(waited >= 2 * 3600_000, `the approval wait is on the timeline: ${(waited / 3600_000).toFixed(2)} h`);
  t.ok(
    app?.timeline?.every((entry, i, all) => i === 0 || Date.parse(entry.at) >= Date.parse(all[i - 1].at)),
    'times never go back',
  );
  const started = Date.parse(app?.runStartedAt ?? '');
  t.ok(started >= at('running') && started <= at('finished'), 'the run started between its trigger and its end');
});
