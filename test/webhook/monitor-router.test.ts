// The listener's router to a run's RunMonitorWorkflow, on the Temporal dev server (whose answers it relies on: a
// signal to an ended workflow and to one that never existed are both NOT_FOUND). Counts the Temporal calls each
// webhook costs with a client interceptor: one signal for a run known to be a cascade's whose monitor runs.
import t from 'tap';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createMonitorRouter } from '../../src/service/monitor-router';
import { RUN_MONITOR_WORKFLOW_TYPE, type RunMonitorInput, type RunMonitorResult } from '../../src/workflows/cascade-types';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { createDevEnv } from '../support/temporal';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createDevEnv();
});
t.teardown(() => env?.teardown());

/** A client that records the name of every workflow call it makes. */
function countingClient(calls: string[]): Client {
  const record = (name: string) => (input: unknown, next: (input: never) => Promise<unknown>) => {
    calls.push(name);
    return next(input as never);
  };
  const interceptor = { signal: record('signal'), describe: record('describe'), start: record('start') } as WorkflowClientInterceptor;
  return new Client({ connection: env.connection, namespace: 'default', interceptors: { workflow: [interceptor] } });
}

const HOUR_MS = 3600_000;
const monitorInput = (stackId: string, runId: string, pollMs: number): RunMonitorInput => ({
  stack_id: stackId,
  run_id: runId,
  timeout_ms: HOUR_MS,
  poll_initial_ms: pollMs,
  poll_max_ms: pollMs,
});

t.test('signal mode: one call to a running monitor; an ended one is a duplicate; none yet loses nothing, the monitor polls', async (t) => {
  const sl = await startSpacelift([{ id: 'app' }]);
  t.teardown(() => stopSpacelift(sl));
  const calls: string[] = [];
  const route = createMonitorRouter(countingClient(calls));
  await withWorker(env, sl.client, async ({ client, taskQueue }) => {
    const watched = sl.fake.addRun('app');
    const monitor = await client.workflow.start(RUN_MONITOR_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: runMonitorWorkflowId(watched),
      args: [monitorInput('app', watched, HOUR_MS)],
    });
    t.equal(await route({ unitId: 'app', runId: watched, state: 'PLANNING', stateVersion: 3 }, 'signal'), 'delivered');
    t.same(calls.splice(0), ['signal'], 'a running monitor: the signal is the only call');
    t.equal(
      await route(
        { unitId: 'app', runId: watched, state: 'FINISHED', stateVersion: 7, delta: { added: 1, changed: 0, deleted: 0 } },
        'signal',
      ),
      'delivered',
    );
    t.match((await monitor.result()) as RunMonitorResult, {
      state: 'FINISHED',
      via: 'webhook',
      delta: { added: 1, changed: 0, deleted: 0 },
    });
    calls.length = 0;
    t.equal(
      await route({ unitId: 'app', runId: watched, state: 'FINISHED', stateVersion: 7 }, 'signal'),
      'already-complete',
      'its monitor has ended',
    );
    t.same(calls.splice(0), ['signal', 'describe'], 'NOT_FOUND: a describe tells an ended monitor from a missing one');

    // The webhook of a run comes before its monitor exists: answered 'no-monitor', and its end is not lost.
    const early = sl.fake.addRun('app');
    sl.fake.setRunState(early, 'FINISHED', { added: 0, changed: 2, deleted: 0 });
    t.equal(await route({ unitId: 'app', runId: early, state: 'FINISHED', stateVersion: 7 }, 'signal'), 'no-monitor');
    t.same(calls.splice(0), ['signal', 'describe']);
    const late = await client.workflow.start(RUN_MONITOR_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: runMonitorWorkflowId(early),
      args: [monitorInput('app', early, 500)],
    });
    t.match(
      (await late.result()) as RunMonitorResult,
      { state: 'FINISHED', via: 'poll', delta: { added: 0, changed: 2, deleted: 0 } },
      'the monitor polls the run and finds its end',
    );
  });
});

t.test('ask mode (the listener cannot tell): describe first, then signal a running monitor', async (t) => {
  const sl = await startSpacelift([{ id: 'web' }]);
  t.teardown(() => stopSpacelift(sl));
  const calls: string[] = [];
  const route = createMonitorRouter(countingClient(calls));
  await withWorker(env, sl.client, async ({ client, taskQueue }) => {
    t.equal(await route({ unitId: 'web', runId: '01ASKNOMONITOR00000000001', state: 'FINISHED' }, 'ask'), 'no-monitor');
    t.same(calls.splice(0), ['describe'], 'no monitor: one describe, then the caller starts the cascade');
    const runId = sl.fake.addRun('web');
    const monitor = await client.workflow.start(RUN_MONITOR_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: runMonitorWorkflowId(runId),
      args: [monitorInput('web', runId, HOUR_MS)],
    });
    t.equal(await route({ unitId: 'web', runId, state: 'FAILED' }, 'ask'), 'delivered');
    t.same(calls.splice(0), ['describe', 'signal']);
    t.match((await monitor.result()) as RunMonitorResult, { state: 'FAILED', via: 'webhook' });
    t.equal(await route({ unitId: 'web', runId, state: 'FAILED' }, 'ask'), 'already-complete');
    t.same(calls.splice(0), ['describe']);
  });
});
