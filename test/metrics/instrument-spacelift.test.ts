import t from 'tap';
import { createCascadeMetrics, instrumentSpacelift, instrumentTerraform } from '../../src/metrics';
import { metricValue } from '../support/metric-value';
import { SpaceliftAuthError } from '../../src/spacelift/errors';
import type { Run, PlatformApi, Stack } from '../../src/platform/types';

const run: Run = { id: 'r1', branch: 'main', state: 'QUEUED' };

function fakeApi(): PlatformApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    ownsTrigger: (triggeredBy) => triggeredBy === 'api::KEY',
    async listCandidateDependents(stackId) {
      calls.push(`list:${stackId}`);
      return [] as Stack[];
    },
    async listAllStacks() {
      return [] as Stack[];
    },
    async cancelRun(_stackId, runId) {
      return { ...run, id: runId, state: 'CANCELED' };
    },
    async triggerRun(stackId) {
      calls.push(`trigger:${stackId}`);
      if (stackId === 'locked') throw new SpaceliftAuthError('denied', { operation: 'runTrigger', stackId });
      return run;
    },
    async getRun() {
      // A non-Error thrown on purpose: the instrumentation must count it too.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw 'not an error';
    },
    async listRunsSince() {
      return [run];
    },
    async verifyCredentials() {
      return { viewer: 'bot' };
    },
  };
}

t.test('passes results and errors through and counts them by operation', async (t) => {
  const metrics = createCascadeMetrics();
  const api = fakeApi();
  const wrapped = instrumentSpacelift(api, metrics);
  t.equal(wrapped.ownsTrigger('api::KEY'), true);
  t.equal(wrapped.ownsTrigger('api::OTHER'), false, 'ownsTrigger passes through');
  t.same(await wrapped.triggerRun('vpc'), run);
  t.same(await wrapped.listCandidateDependents('vpc'), []);
  t.same(await wrapped.verifyCredentials(), { viewer: 'bot' });
  await t.rejects(wrapped.triggerRun('locked'), SpaceliftAuthError);
  await t.rejects(wrapped.getRun('s', 'r'));
  t.same(api.calls, ['trigger:vpc', 'list:vpc', 'trigger:locked']);
  t.same(await wrapped.cancelRun('vpc', 'r9'), { ...run, id: 'r9', state: 'CANCELED' }, 'arguments pass through');
  t.same(await wrapped.listAllStacks(), []);

  t.equal(await metricValue(metrics.spaceliftCalls, { operation: 'triggerRun' }), 2);
  t.equal(await metricValue(metrics.spaceliftErrors, { operation: 'triggerRun', error: 'SpaceliftAuthError' }), 1);
  t.equal(await metricValue(metrics.spaceliftErrors, { operation: 'getRun', error: 'NonError' }), 1);
  const text = await metrics.exposition();
  t.match(text, /^spacelift_cascade_spacelift_request_duration_seconds_count\{operation="triggerRun"\} 2$/m);
  t.match(text, /^spacelift_cascade_spacelift_requests_total\{operation="verifyCredentials"\} 1$/m);
  t.match(text, /^spacelift_cascade_chains_started_total 0$/m);
});

t.test('HCP Terraform calls are counted in their own families, never as Spacelift calls', async (t) => {
  const metrics = createCascadeMetrics();
  const wrapped = instrumentTerraform(fakeApi(), metrics);
  t.same(await wrapped.triggerRun('network'), run);
  await t.rejects(wrapped.triggerRun('locked'), SpaceliftAuthError);
  t.equal(await metricValue(metrics.terraform.calls, { operation: 'triggerRun' }), 2);
  t.equal(await metricValue(metrics.terraform.errors, { operation: 'triggerRun', error: 'SpaceliftAuthError' }), 1);
  t.equal(await metricValue(metrics.spaceliftCalls, { operation: 'triggerRun' }), 0);
  t.match(await metrics.exposition(), /^spacelift_cascade_terraform_request_duration_seconds_count\{operation="triggerRun"\} 2$/m);
});
