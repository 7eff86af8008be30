// Every run status go-tfe knows, mapped and given a stop rule; a confirmed apply is never stopped and an unknown
// status is left alone. The lists below are copied from hashicorp/go-tfe: the RunStatus constants in v1.go
// ("List all available run statuses") and the runs.attributes.status enum of v2/openapi/spec.json.
import t from 'tap';
import { TerraformRejectedError } from '../../src/terraform/errors';
import {
  APPLY_STARTED_STATUSES,
  CANCELABLE_STATUSES,
  DISCARDABLE_STATUSES,
  RUN_STATUSES,
  isTerminalRunStatus,
  mapRunStatus,
  stopRuleOf,
} from '../../src/terraform/states';
import { failure, setup } from './helpers';

const GO_TFE_V1 = [
  'applied',
  'applying',
  'apply_queued',
  'canceled',
  'confirmed',
  'cost_estimated',
  'cost_estimating',
  'discarded',
  'errored',
  'fetching',
  'fetching_completed',
  'pending',
  'planned',
  'planned_and_finished',
  'planned_and_saved',
  'planning',
  'plan_queued',
  'policy_checked',
  'policy_checking',
  'policy_override',
  'policy_soft_failed',
  'post_plan_awaiting_decision',
  'post_plan_completed',
  'post_plan_running',
  'post_apply_running',
  'post_apply_completed',
  'pre_apply_running',
  'pre_apply_completed',
  'pre_plan_completed',
  'pre_plan_running',
  'queuing',
  'queuing_apply',
];
const GO_TFE_V2_OPENAPI = [
  'pending',
  'fetching',
  'fetching_completed',
  'pre_plan_running',
  'pre_plan_completed',
  'pre_plan_awaiting_decision',
  'queuing',
  'plan_queued',
  'planning',
  'planned',
  'tf_policy_checked',
  'tf_policy_override',
  'post_plan_running',
  'post_plan_completed',
  'cost_estimating',
  'cost_estimated',
  'policy_checking',
  'policy_override',
  'policy_soft_failed',
  'policy_checked',
  'confirmed',
  'pre_apply_running',
  'pre_apply_completed',
  'queuing_apply',
  'apply_queued',
  'applying',
  'post_apply_running',
  'post_apply_completed',
  'applied',
  'discarded',
  'errored',
  'canceled',
  'planned_and_finished',
  'planned_and_saved',
  'assessing',
  'assessed',
];

t.test('every status go-tfe knows has a stop rule, and nothing else is listed (but force_canceled, from the docs)', async (t) => {
  const known = new Set([...GO_TFE_V1, ...GO_TFE_V2_OPENAPI]);
  t.equal(known.size, 37);
  for (const status of known) t.not(stopRuleOf(status), 'unknown', status);
  t.same(
    Object.keys(RUN_STATUSES).filter((status) => !known.has(status)),
    ['force_canceled'],
  );
});

t.test('a confirmed apply, in every phase go-tfe names, is apply-started', async (t) => {
  t.same(
    [...APPLY_STARTED_STATUSES].sort(),
    [
      'applying',
      'apply_queued',
      'confirmed',
      'post_apply_completed',
      'post_apply_running',
      'pre_apply_completed',
      'pre_apply_running',
      'queuing_apply',
    ].sort(),
  );
  for (const status of APPLY_STARTED_STATUSES) t.equal(isTerminalRunStatus(status), false, `${status} is not final`);
});

t.test('the groups do not overlap, and the terminal mapping is unchanged', async (t) => {
  for (const status of DISCARDABLE_STATUSES) t.notOk(CANCELABLE_STATUSES.has(status) || APPLY_STARTED_STATUSES.has(status), status);
  t.same(
    Object.keys(RUN_STATUSES)
      .filter(isTerminalRunStatus)
      .map((status) => [status, mapRunStatus(status)]),
    [
      ['applied', 'FINISHED'],
      ['planned_and_finished', 'FINISHED'],
      ['errored', 'FAILED'],
      ['policy_soft_failed', 'FAILED'],
      ['discarded', 'DISCARDED'],
      ['canceled', 'CANCELED'],
      ['force_canceled', 'CANCELED'],
    ],
  );
  t.equal(mapRunStatus('post_plan_awaiting_decision'), 'POST_PLAN_AWAITING_DECISION');
  t.equal(mapRunStatus('quantum_applying'), 'QUANTUM_APPLYING', 'an unknown status is its own name, never terminal');
  t.equal(stopRuleOf('quantum_applying'), 'unknown');
  t.equal(stopRuleOf('__proto__'), 'unknown');
});

for (const status of [...APPLY_STARTED_STATUSES, 'assessing', 'assessed', 'quantum_applying']) {
  t.test(`cancelRun leaves a run in ${status} alone: refused, non-retryable, nothing sent`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    const err = await failure(client.cancelRun('eks', run.id));
    t.type(err, TerraformRejectedError);
    t.equal(err.retryable, false);
    t.match(err.message, `could not be stopped: it is ${status} (`);
    t.same(
      fake.requests.filter((r) => r.route === 'cancelRun' || r.route === 'discardRun'),
      [],
    );
    t.equal(fake.runs('eks')[0]?.status, status, 'the run is untouched');
  });
}

for (const status of ['pre_plan_awaiting_decision', 'post_plan_awaiting_decision', 'tf_policy_checked', 'tf_policy_override']) {
  t.test(`a ${status} run (waiting for a decision, apply not confirmed) is discarded`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    t.equal((await client.cancelRun('eks', run.id)).state, 'DISCARDED');
    t.same(
      fake.requests.filter((r) => r.route === 'cancelRun' || r.route === 'discardRun').map((r) => r.route),
      ['discardRun'],
    );
  });
}

for (const status of ['fetching', 'fetching_completed', 'pre_plan_running', 'pre_plan_completed']) {
  t.test(`a ${status} run is canceled`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    t.equal((await client.cancelRun('eks', run.id)).state, 'CANCELED');
  });
}
