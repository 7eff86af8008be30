// cancelRun: discard while waiting, cancel while planning, refuse once the apply has started, tolerate lost answers.
import t from 'tap';
import { PlatformError } from '../../src/platform/errors';
import { TERRAFORM_STOP_COMMENT } from '../../src/terraform/client';
import { TerraformNotFoundError, TerraformRejectedError, TerraformTransientError } from '../../src/terraform/errors';
import { failure, setup } from './helpers';

const actions = (routes: { route: string }[]) => routes.map((r) => r.route).filter((r) => r === 'cancelRun' || r === 'discardRun');

for (const status of ['pending', 'planned', 'policy_checked', 'policy_override', 'cost_estimated']) {
  t.test(`a ${status} run is discarded`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    const stopped = await client.cancelRun('eks', run.id);
    t.equal(stopped.state, 'DISCARDED');
    t.equal(stopped.id, run.id);
    t.same(actions(fake.requests), ['discardRun']);
    t.equal(fake.runs('eks')[0]?.status, 'discarded');
  });
}

for (const status of ['planning', 'plan_queued', 'queuing', 'cost_estimating', 'policy_checking']) {
  t.test(`a ${status} run is canceled`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    t.equal((await client.cancelRun('eks', run.id)).state, 'CANCELED');
    t.same(actions(fake.requests), ['cancelRun']);
  });
}

t.test('the stop request carries the comment and goes to the run’s action path', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  await client.cancelRun('eks', run.id);
  t.match(
    fake.requests.find((r) => r.route === 'discardRun'),
    { method: 'POST', path: `/api/v2/runs/${run.id}/actions/discard` },
  );
  t.equal(TERRAFORM_STOP_COMMENT, 'cancelled by spacelift-cascade');
});

for (const status of ['confirmed', 'apply_queued', 'applying', 'applied', 'errored']) {
  t.test(`a ${status} run is refused without asking HCP Terraform, non-retryable`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    const err = await failure(client.cancelRun('eks', run.id));
    t.type(err, TerraformRejectedError);
    t.type(err, PlatformError);
    t.equal((err as { kind?: string }).kind, 'refused');
    t.equal(err.retryable, false);
    t.match(err.message, `run ${run.id} on workspace eks could not be stopped: it is ${status}`);
    t.same(err.context, { operation: 'cancelRun', stackId: 'eks', runId: run.id });
    t.same(actions(fake.requests), []);
  });
}

for (const status of ['canceled', 'force_canceled', 'discarded']) {
  t.test(`an already ${status} run resolves (an earlier attempt's answer was lost)`, async (t) => {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.setRunStatus(run.id, status);
    t.match(await client.cancelRun('eks', run.id), { id: run.id, state: /^(CANCELED|DISCARDED)$/ });
    t.same(actions(fake.requests), []);
  });
}

t.test('a 409 on the preferred action tries the other one', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  // post_plan_running is in the docs' discardable group, and cancel may interrupt it too.
  fake.setRunStatus(run.id, 'post_plan_running');
  fake.inject({ route: 'discardRun', kind: 'http409' });
  t.equal((await client.cancelRun('eks', run.id)).state, 'CANCELED');
  t.same(actions(fake.requests), ['discardRun', 'cancelRun']);
});

t.test('failures other than 409 are thrown as they are, without trying the other action', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.setRunStatus(run.id, 'planning');
  fake.inject({ route: 'cancelRun', kind: 'http500' });
  t.type(await failure(client.cancelRun('eks', run.id)), TerraformTransientError);
  fake.inject({ route: 'cancelRun', kind: 'http404' });
  t.type(await failure(client.cancelRun('eks', run.id)), TerraformNotFoundError);
  t.same(actions(fake.requests), ['cancelRun', 'cancelRun']);
  t.equal((await client.cancelRun('eks', run.id)).state, 'CANCELED', 'the next attempt works');
});

t.test('both refused and the run still going → TerraformRejectedError naming its status and both refusals', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.setRunStatus(run.id, 'planning');
  fake.inject({ route: 'cancelRun', kind: 'http409' });
  const err = await failure(client.cancelRun('eks', run.id));
  t.type(err, TerraformRejectedError);
  t.equal(err.retryable, false);
  t.match(err.message, `run ${run.id} on workspace eks could not be stopped: it is planning (cancel: cancelRun`);
  t.match(err.message, 'HTTP 409: conflict: injected conflict; discard: discardRun');
  t.match(err.message, 'discard not allowed.');
  t.same(actions(fake.requests), ['cancelRun', 'discardRun']);
});

t.test('both refused but the run was stopped meanwhile → resolves with it', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.setRunStatus(run.id, 'planning');
  fake.inject({ route: 'cancelRun', kind: 'performedThen409' });
  t.equal((await client.cancelRun('eks', run.id)).state, 'CANCELED');
  t.same(actions(fake.requests), ['cancelRun', 'discardRun']);
});

t.test('an unknown run is not found', async (t) => {
  const { client } = await setup(t);
  t.type(await failure(client.cancelRun('eks', 'run-NoSuchRun00000')), TerraformNotFoundError);
});
