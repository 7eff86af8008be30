// StackExecutionWorkflow: the at-most-once guard and the activity timeout, on the time-skipping server.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { observe, startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { EXECUTION_WORKFLOW_TYPE, type ExecutionResult } from '../../src/workflows/types';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

let n = 0;
const execute = (client: import('@temporalio/client').Client, taskQueue: string, stackId: string) =>
  client.workflow.execute(EXECUTION_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `exec-${process.pid}-${++n}`,
    args: [{ stack_id: stackId }],
  }) as Promise<ExecutionResult>;

t.test('StackExecutionWorkflow triggers one run and returns it', async (t) => {
  const sl = await startSpacelift([{ id: 'eks', branch: 'main' }]);
  t.teardown(() => stopSpacelift(sl));
  const result = await withWorker(env, sl.client, ({ client, taskQueue }) => execute(client, taskQueue, 'eks'));
  t.equal(result.stack_id, 'eks');
  t.equal(result.run.id, sl.fake.triggers[0]?.runId);
  t.match(result.run, { branch: 'main', state: 'QUEUED', triggeredBy: `api::${sl.fake.apiKeyId}` });
});

/**
 * In production Spacelift's clock and Temporal's agree (NTP); the time-skipping server's clock runs ahead,
 * so the fake's clock is aligned to it for the tests of the guard, which compares the two.
 */
async function alignedClock(): Promise<() => number> {
  const offset = (await env.currentTimeMs()) - Date.now();
  return () => Date.now() + offset;
}

t.test('Spacelift accepted the trigger but the answer was lost: the retry adopts that run, no second run', async (t) => {
  const sl = await startSpacelift([{ id: 'eks' }], { now: await alignedClock() });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'eks', kind: 'afterMutation500' });
  const result = await withWorker(env, sl.client, ({ client, taskQueue }) => execute(client, taskQueue, 'eks'));
  t.equal(sl.fake.triggerCount('eks'), 1, 'exactly one run exists');
  t.equal(result.run.id, sl.fake.triggers[0]?.runId, 'the adopted run is the one Spacelift created');
  t.equal(sl.fake.requests.filter((r) => r.operation === 'runTrigger').length, 1, 'runTrigger was not sent again');
});

t.test('when the first attempt never reached Spacelift, the retry looks, finds nothing and triggers', async (t) => {
  const sl = await startSpacelift([{ id: 'eks' }], { now: await alignedClock() });
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'eks', kind: 'http500' });
  const result = await withWorker(env, sl.client, ({ client, taskQueue }) => execute(client, taskQueue, 'eks'));
  t.equal(sl.fake.triggerCount('eks'), 1);
  t.equal(result.run.id, sl.fake.triggers[0]?.runId);
  t.equal(sl.fake.requests.filter((r) => r.operation === 'listRuns').length, 1, 'the retry looked before triggering');
});

t.test('an activity that hangs past its 30 s start-to-close timeout is retried', { timeout: 120_000 }, async (t) => {
  const sl = await startSpacelift([{ id: 'eks' }]);
  t.teardown(() => stopSpacelift(sl));
  let calls = 0;
  const spacelift = observe(sl.client, {
    beforeTrigger: async () => {
      calls += 1;
      // Activity timeouts pass in real time (the server locks time while an activity runs).
      // The hung attempt then gives up without triggering, so only the retry reaches Spacelift.
      if (calls === 1) {
        await new Promise((resolve) => setTimeout(resolve, 35_000));
        throw new Error('hung attempt gave up');
      }
    },
  });
  const result = await withWorker(env, spacelift, ({ client, taskQueue }) => execute(client, taskQueue, 'eks'));
  t.equal(calls, 2, 'the timed-out attempt was followed by one retry');
  t.equal(result.run.id, sl.fake.triggers[0]?.runId);
  t.equal(sl.fake.triggerCount('eks'), 1);
});

t.test('a failure after all retries is final: the child workflow is not re-run', async (t) => {
  const sl = await startSpacelift([{ id: 'eks' }]);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'eks', kind: 'http500', times: 20 });
  await withWorker(env, sl.client, async ({ client, taskQueue }) => {
    const err = await execute(client, taskQueue, 'eks').catch((e: unknown) => e);
    t.type(err, WorkflowFailedError);
    t.match((err as WorkflowFailedError).cause?.message, /triggering a run on stack eks failed/);
  });
  t.equal(sl.fake.requests.filter((r) => r.operation === 'runTrigger').length, 3);
});
