// The worker end of the workflows' metrics sinks, called the way the SDK calls them (workflow info first).
import t from 'tap';
import type { WorkflowInfo } from '@temporalio/workflow';
import { createCascadeMetrics, createWorkflowSinks } from '../../src/metrics';
import { metricValue } from '../support/metric-value';

const info = (workflowId: string) => ({ workflowId }) as WorkflowInfo;

t.test('the approvals gauge is the sum of each cascade’s waiting set; a call replaces that cascade’s set', async (t) => {
  const metrics = createCascadeMetrics();
  const { approvalsWaiting } = createWorkflowSinks(metrics).cascadeMetrics;
  await approvalsWaiting.fn(info('c1'), ['prod', 'stage']);
  await approvalsWaiting.fn(info('c2'), ['dr']);
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 3);
  // A replay repeats the calls it already made: the same sets, so the same sum.
  await approvalsWaiting.fn(info('c1'), ['prod']);
  await approvalsWaiting.fn(info('c1'), ['prod', 'stage']);
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 3, 'setting the same set again does not count twice');
  await approvalsWaiting.fn(info('c1'), []);
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 1, 'an empty set forgets the cascade');
  t.match(await metrics.exposition(), /^# TYPE spacelift_cascade_approvals_waiting gauge\nspacelift_cascade_approvals_waiting 1$/m);
});

t.test('workers sharing one metrics object keep one book of waiting approvals', async (t) => {
  const metrics = createCascadeMetrics();
  await createWorkflowSinks(metrics).cascadeMetrics.approvalsWaiting.fn(info('c1'), ['prod']);
  await createWorkflowSinks(metrics).cascadeMetrics.approvalsWaiting.fn(info('c2'), ['dr']);
  t.equal(await metricValue(metrics.approvalsWaiting, {}), 2);
});

t.test('counters are called live only; the gauge on replay too', async (t) => {
  const { cascadeMetrics } = createWorkflowSinks(createCascadeMetrics());
  t.equal(cascadeMetrics.runTriggered.callDuringReplay, false);
  t.equal(cascadeMetrics.cascadeEnded.callDuringReplay, false);
  t.equal(cascadeMetrics.approvalsWaiting.callDuringReplay, true);
});

t.test('cascade outcomes are exported from the start and counted by label', async (t) => {
  const metrics = createCascadeMetrics();
  const text = await metrics.exposition();
  for (const outcome of ['completed', 'failed', 'cancelled'])
    t.match(text, new RegExp(`^spacelift_cascade_cascades_total\\{outcome="${outcome}"\\} 0$`, 'm'));
  t.match(text, /^spacelift_cascade_triggers_total 0$/m);
  const { cascadeEnded, runTriggered } = createWorkflowSinks(metrics).cascadeMetrics;
  await cascadeEnded.fn(info('c1'), 'failed');
  await runTriggered.fn(info('c1'));
  await runTriggered.fn(info('c2'));
  t.match(await metrics.exposition(), /^spacelift_cascade_cascades_total\{outcome="failed"\} 1$/m);
  t.equal(await metricValue(metrics.cascades, { outcome: 'completed' }), 0);
  t.equal(await metricValue(metrics.triggers, {}), 2);
});

t.test('stuck work: per state, the age of the oldest waiting stack over all cascades, computed at scrape time', async (t) => {
  const metrics = createCascadeMetrics();
  const { oldestWaits } = createWorkflowSinks(metrics).cascadeMetrics;
  t.equal(oldestWaits.callDuringReplay, true, 'a whole picture per call, so replaying it is safe');
  const now = Date.now();
  await oldestWaits.fn(info('c1'), [
    { state: 'waiting_for_approval', since: now - 3600_000 },
    { state: 'running', since: now - 60_000 },
  ]);
  await oldestWaits.fn(info('c2'), [{ state: 'running', since: now - 600_000 }]);
  const age = async (state: string) => metricValue(metrics.oldestWaitSeconds, { state });
  t.ok(Math.abs((await age('waiting_for_approval')) - 3600) < 5, 'the approval has waited an hour');
  t.ok(Math.abs((await age('running')) - 600) < 5, 'the oldest run over both cascades');
  t.equal(await age('waiting_for_window'), 0, 'a state nobody waits in is 0');
  t.match(await metrics.exposition(), /^spacelift_cascade_oldest_wait_seconds\{state="waiting_for_slot"\} 0$/m);

  await oldestWaits.fn(info('c2'), []);
  t.ok((await age('running')) < 65, 'an empty picture forgets the cascade');
  t.same(metrics.oldestWaits.ages(now + 1000), {
    waiting_for_parents: 0,
    waiting_for_approval: 3601,
    waiting_for_slot: 0,
    waiting_for_window: 0,
    waiting_for_retry: 0,
    triggering: 0,
    running: 61,
  });
});
