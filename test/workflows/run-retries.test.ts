// `cascadeRunRetries:<n>` on the time-skipping server: a run that ends FAILED is triggered again, after a durable
// backoff, up to n more times before the stack counts as failed. Each attempt is a decision; a stopped, cancelled
// or discarded run is never retried.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift, type SpaceliftPair } from '../support/spacelift-setup';
import { FINISHED, stackOf } from '../support/cascade-status';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const polled = { pollInitialMs: 1_000, pollMaxMs: 2_000 };

/** The n-th run of `stackId` (1-based) ends as outcomes[n-1]; later runs as the last one. */
function scriptRuns(sl: SpaceliftPair, stackId: string, outcomes: string[]): void {
  let runs = 0;
  sl.fake.onTrigger((trigger) => {
    if (trigger.stackId !== stackId) return;
    runs += 1;
    const state = outcomes[Math.min(runs, outcomes.length) - 1];
    sl.fake.setRunOutcome(stackId, state === 'FINISHED' ? FINISHED : { state });
  });
}

t.test('a run that fails twice is retried twice, and the third run finishes the stack', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'rr1-vpc' },
      { id: 'rr1-app', labels: ['dependsOn:rr1-vpc', 'cascadeRunRetries:2'] },
      { id: 'rr1-web', labels: ['dependsOn:rr1-app'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  scriptRuns(sl, 'rr1-app', ['FAILED', 'FAILED', 'FINISHED']);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'rr1-vpc', options: polled }));
  t.equal(sl.fake.triggerCount('rr1-app'), 3, 'three runs of app');
  t.same(
    sl.fake.runs('rr1-app').map((r) => r.state),
    ['FAILED', 'FAILED', 'FINISHED'],
  );
  t.match(stackOf(status, 'rr1-app'), { state: 'finished', attempt: 3, runId: sl.fake.runs('rr1-app')[2]?.id });
  t.match(stackOf(status, 'rr1-web'), { state: 'finished' }, 'what is below runs once the retry finished');
  const decisions = status.decisions.filter((d) => d.stackId === 'rr1-app').map((d) => d.decision);
  t.same(decisions, ['triggered', 'retried', 'triggered', 'retried', 'triggered', 'finished']);
  t.match(
    status.decisions.find((d) => d.decision === 'retried'),
    { runId: sl.fake.runs('rr1-app')[0]?.id, reason: /FAILED; retry 1 of 2 in 60 s/ },
  );
  const timeline = stackOf(status, 'rr1-app')?.timeline ?? [];
  const retryWaits = timeline.filter((entry) => entry.state === 'waiting_for_retry');
  t.equal(retryWaits.length, 2);
  const waited = (i: number) => Date.parse(timeline[timeline.indexOf(retryWaits[i]) + 1].at) - Date.parse(retryWaits[i].at);
  t.ok(waited(0) >= 60_000 && waited(1) >= 120_000, `backoff 1 min then 2 min: ${waited(0) / 1000} s, ${waited(1) / 1000} s`);
});

t.test('retries used up: the stack fails after 1 + n runs and what is below it is skipped', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'rr2-vpc' },
      { id: 'rr2-app', labels: ['dependsOn:rr2-vpc', 'cascadeRunRetries:1'] },
      { id: 'rr2-web', labels: ['dependsOn:rr2-app'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  scriptRuns(sl, 'rr2-app', ['FAILED']);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'rr2-vpc', options: polled }));
  t.equal(sl.fake.triggerCount('rr2-app'), 2);
  t.match(stackOf(status, 'rr2-app'), { state: 'failed', reason: 'run FAILED', attempt: 2 });
  t.match(stackOf(status, 'rr2-web'), { state: 'skipped', reason: 'upstream rr2-app FAILED' });
  t.equal(sl.fake.triggerCount('rr2-web'), 0);
});

t.test('a run that is stopped, not failed, is never retried; a stack without the label never retries', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'rr3-vpc' },
      { id: 'rr3-app', labels: ['dependsOn:rr3-vpc', 'cascadeRunRetries:3'] },
      { id: 'rr3-db', labels: ['dependsOn:rr3-vpc'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  scriptRuns(sl, 'rr3-app', ['STOPPED']);
  scriptRuns(sl, 'rr3-db', ['FAILED']);
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'rr3-vpc', options: polled }));
  t.equal(sl.fake.triggerCount('rr3-app'), 1, 'STOPPED is a decision someone made: not retried');
  t.match(stackOf(status, 'rr3-app'), { state: 'failed', reason: 'run STOPPED' });
  t.equal(sl.fake.triggerCount('rr3-db'), 1, 'no label, no retry');
  t.notOk(status.decisions.some((d) => d.decision === 'retried'));
});
