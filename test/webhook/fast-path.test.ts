// The fast path: a webhook for a run a graph cascade triggered goes to that run's RunMonitorWorkflow
// (`spacelift-run-<runId>`), before the trigger-state filter, and never starts a cascade of its own.
import t from 'tap';
import { cascadeTriggeredBy } from '../../src/cli/runtime/start-listener';
import type { Config } from '../../src/config/types';
import type { RouteOutcome } from '../../src/webhook';
import { deliver, fixture, send, startHarness } from './harness';

const finished = fixture('run-finished-tracked.json');
const MONITOR = 'spacelift-run-01JQ7Z9EXAMPLERUNVPC00001';
const router = (outcome: RouteOutcome) => async (): Promise<RouteOutcome> => outcome;
const ourRun = (overrides: Record<string, unknown> = {}): string => {
  const event = JSON.parse(finished.toString()) as { run: Record<string, unknown> };
  return JSON.stringify({ ...event, run: { ...event.run, triggeredBy: 'api::01HZZZEXAMPLEKEY0000000000', ...overrides } });
};

t.test('delivered: 200 naming the monitor; nothing starts; counted as delivered', async (t) => {
  const h = await startHarness(t, { routeRunState: router('delivered') });
  const res = await deliver(h.port, finished);
  t.same([res.status, res.json], [200, { status: 'delivered', workflowId: MONITOR }]);
  t.equal(h.starts.length, 0, 'no cascade started');
  t.match(h.routed, [{ unitId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00001', state: 'FINISHED', stateVersion: 7, delta: { added: 2, changed: 1, deleted: 0 } }]);
  const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
  t.match(metrics.text, /^spacelift_cascade_webhooks_total\{outcome="delivered"\} 1$/m);
  t.match(metrics.text, /^spacelift_cascade_chains_started_total 0$/m);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook delivered');
  t.match(line, { level: 'info', status: 200, outcome: 'delivered', stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00001', workflowId: MONITOR });
});

t.test('non-terminal states of a watched run are delivered too (the monitor ignores them), before the filter', async (t) => {
  const h = await startHarness(t, { routeRunState: router('delivered') });
  const res = await deliver(h.port, fixture('run-planning.json'));
  t.same([res.status, res.json], [200, { status: 'delivered', workflowId: MONITOR }]);
  t.equal(h.routed[0]?.state, 'PLANNING');
});

t.test('already-complete: 200 duplicate naming the monitor; a second cascade never starts', async (t) => {
  const h = await startHarness(t, { routeRunState: router('already-complete') });
  for (let i = 0; i < 2; i++) {
    const res = await deliver(h.port, finished);
    t.same([res.status, res.json], [200, { status: 'duplicate', workflowId: MONITOR }]);
  }
  t.equal(h.starts.length, 0);
  const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
  t.match(metrics.text, /^spacelift_cascade_webhooks_total\{outcome="duplicate"\} 2$/m);
});

t.test('not-ours: carries on as before (filter, then start), with the run delta', async (t) => {
  const h = await startHarness(t, { routeRunState: router('not-ours') });
  const res = await deliver(h.port, finished);
  t.same([res.status, res.json], [200, { status: 'started', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' }]);
  t.same(h.starts, [{ stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00001', runState: 'FINISHED', runDelta: { added: 2, changed: 1, deleted: 0 } }]);
  const planning = await deliver(h.port, fixture('run-planning.json'));
  t.same([planning.status, planning.json], [202, { status: 'ignored', reason: 'state PLANNING does not start a chain' }]);
  t.equal(h.routed.length, 2, 'every valid delivery is routed first');
});

t.test('a run without a delta starts with runDelta null', async (t) => {
  const h = await startHarness(t, { config: { triggerStates: ['FAILED'] } });
  t.equal((await deliver(h.port, fixture('run-failed-tracked.json'))).status, 200);
  t.same(h.starts, [{ stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00002', runState: 'FAILED', runDelta: null }]);
});

t.test('the router failing is a 503 (Spacelift redelivers), and nothing starts', async (t) => {
  const unavailable = { status: 'unavailable', reason: 'Temporal did not answer whether a cascade watches this run; retry' };
  const h = await startHarness(t, { routeRunState: async () => { throw new Error('14 UNAVAILABLE: connection refused'); } });
  const res = await deliver(h.port, finished);
  t.same([res.status, res.json], [503, unavailable]);
  t.equal(h.starts.length, 0);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook not processed');
  t.match(line, { level: 'warn', outcome: 'unavailable', workflowId: MONITOR, error: 'Error: 14 UNAVAILABLE: connection refused' });

  const oddValues: Array<[string, unknown]> = [['null', null], ['a string', 'a string'], ['a bare object', Object.create(null)]];
  for (const [label, value] of oddValues) {
    const odd = await startHarness(t, { routeRunState: () => Promise.reject(value) });
    t.equal((await deliver(odd.port, finished)).status, 503, `rejecting with ${label}`);
  }
  const sync = await startHarness(t, { routeRunState: () => { throw new Error('sync'); } });
  t.equal((await deliver(sync.port, finished)).status, 503, 'a synchronous throw');
  const broken = await startHarness(t, { routeRunState: async () => 'maybe' as RouteOutcome });
  t.same([(await deliver(broken.port, finished)).status, broken.starts.length], [500, 0], 'an unknown answer starts nothing');
});

/** The listener's own predicate, as `serve` builds it from the worker's Spacelift settings. */
const listenerPredicate = (mode: 'graph' | 'direct') =>
  cascadeTriggeredBy({ cascade: { mode }, spacelift: { apiKeyId: '01HZZZEXAMPLEKEY0000000000' } } as unknown as Pick<Config, 'cascade' | 'spacelift'>);

t.test('graph mode: a run the cascade triggered never starts a cascade, even before its monitor exists', async (t) => {
  const h = await startHarness(t, { cascadeTriggeredBy: listenerPredicate('graph') });
  const res = await deliver(h.port, ourRun());
  t.same([res.status, res.json], [202, {
    status: 'ignored',
    reason: 'run was triggered by a cascade (api::01HZZZEXAMPLEKEY0000000000); the cascade that triggered it follows it',
  }]);
  t.equal(h.starts.length, 0);
  // The shortened form of Spacelift's changelog (2025-09-16), `api::01K56PK::DevopsSpaceKey`, with our key's prefix.
  const short = await deliver(h.port, ourRun({ triggeredBy: 'api::01HZZZE::cascade-key' }));
  t.same([short.status, short.json.reason], [202, 'run was triggered by a cascade (api::01HZZZE::cascade-key); the cascade that triggered it follows it']);
  t.equal((await deliver(h.port, ourRun({ triggeredBy: 'api::SOMEOTHERKEY' }))).status, 200, 'another key still starts one');
  t.equal((await deliver(h.port, ourRun({ triggeredBy: 'api::01HZZZX::cascade-key' }))).status, 200, 'another key’s prefix still starts one');
  t.equal((await deliver(h.port, ourRun({ triggeredBy: null }))).status, 200);
  t.equal(h.starts.length, 3);
  t.equal(listenerPredicate('direct'), undefined, 'direct mode has no predicate');

  const direct = await startHarness(t);
  t.equal((await deliver(direct.port, ourRun())).status, 200, 'direct mode: our runs continue the chain, as before');
});

t.test('run.delta is checked by the schema (422 naming the field)', async (t) => {
  const h = await startHarness(t);
  const cases: Array<[unknown, string, string]> = [
    [{ added: -1, changed: 0, deleted: 0 }, 'run.delta.added', 'run.delta.added must be >= 0, got -1'],
    [{ added: 1, changed: 0 }, 'run.delta.deleted', 'run.delta.deleted is required'],
    ['lots', 'run.delta', 'run.delta must be object, got "lots"'],
  ];
  for (const [delta, field, reason] of cases) {
    const res = await deliver(h.port, ourRun({ delta }));
    t.same([res.status, res.json], [422, { status: 'rejected', reason }], field);
  }
  t.equal(h.routed.length, 0, 'an invalid payload is never routed');
});
