// The fast path: a webhook for a run a graph cascade triggered goes to that run's RunMonitorWorkflow
// (`spacelift-run-<runId>`), before the trigger-state filter, and never starts a cascade of its own. With the worker's
// key the listener knows which runs those are (signal only); without it, it asks Temporal first (describe).
import t from 'tap';
import { cascadeTriggeredBy } from '../../src/service/start-listener';
import type { Config } from '../../src/config/types';
import type { RouteOutcome } from '../../src/webhook';
import { deliver, fixture, send, startHarness } from './harness';

const finished = fixture('run-finished-tracked.json');
const MONITOR = 'spacelift-run-01JQ7Z9EXAMPLERUNVPC00001';
const router = (outcome: RouteOutcome) => async (): Promise<RouteOutcome> => outcome;
const ourRun = (overrides: Record<string, unknown> = {}, event: Record<string, unknown> = {}): string => {
  const parsed = JSON.parse(finished.toString()) as { run: Record<string, unknown> };
  return JSON.stringify({ ...parsed, ...event, run: { ...parsed.run, triggeredBy: 'api::01HZZZEXAMPLEKEY0000000000', ...overrides } });
};

t.test('delivered: 200 naming the monitor; nothing starts; counted as delivered', async (t) => {
  const h = await startHarness(t, { routeRunState: router('delivered') });
  const res = await deliver(h.port, finished);
  t.same([res.status, res.json], [200, { status: 'delivered', workflowId: MONITOR }]);
  t.equal(h.starts.length, 0, 'no cascade started');
  t.match(h.routed, [
    { unitId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00001', state: 'FINISHED', stateVersion: 7, delta: { added: 2, changed: 1, deleted: 0 } },
  ]);
  t.same(h.routeModes, ['ask'], "without the worker's key the listener asks Temporal first");
  const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
  t.match(metrics.text, /^spacelift_cascade_webhooks_total\{outcome="delivered"\} 1$/m);
  t.match(metrics.text, /^spacelift_cascade_chains_started_total 0$/m);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook delivered');
  t.match(line, {
    level: 'info',
    status: 200,
    outcome: 'delivered',
    stackId: 'vpc',
    runId: '01JQ7Z9EXAMPLERUNVPC00001',
    workflowId: MONITOR,
  });
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

t.test('no monitor: carries on as before (filter, then start), with the run delta', async (t) => {
  const h = await startHarness(t, { routeRunState: router('no-monitor') });
  const res = await deliver(h.port, finished);
  t.same([res.status, res.json], [200, { status: 'started', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' }]);
  t.same(h.starts, [
    { stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00001', runState: 'FINISHED', runDelta: { added: 2, changed: 1, deleted: 0 } },
  ]);
  const planning = await deliver(h.port, fixture('run-planning.json'));
  t.same([planning.status, planning.json], [202, { status: 'ignored', reason: 'state PLANNING does not start a chain' }]);
  t.equal(h.routed.length, 2, 'every valid delivery is routed first');
});

t.test('a run without a delta starts with runDelta null', async (t) => {
  const h = await startHarness(t, { config: { triggerStates: ['FAILED'] } });
  t.equal((await deliver(h.port, fixture('run-failed-tracked.json'))).status, 200);
  t.same(h.starts, [{ stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00002', runState: 'FAILED', runDelta: null }]);
});

t.test('the delta handed on is exactly the three counts, and null when any count is unknown', async (t) => {
  const h = await startHarness(t);
  t.equal((await deliver(h.port, finished)).status, 200);
  t.same(h.routed[0]?.delta, { added: 2, changed: 1, deleted: 0 }, 'resources is dropped on the way to the monitor');
  const unknown = ourRun({
    id: '01JQ7Z9EXAMPLERUNVPC00009',
    triggeredBy: 'jdoe',
    delta: { added: 1, changed: null, deleted: 0, resources: 3 },
  });
  t.equal((await deliver(h.port, unknown)).status, 200);
  t.equal(h.routed[1]?.delta, null, 'a null count makes the delta unknown for the monitor');
  t.same(h.starts[1], { stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00009', runState: 'FINISHED', runDelta: null });
});

t.test('the router failing is a 503 (Spacelift redelivers), and nothing starts', async (t) => {
  const unavailable = { status: 'unavailable', reason: 'Temporal did not answer whether a cascade watches this run; retry' };
  const h = await startHarness(t, {
    routeRunState: async () => {
      throw new Error('14 UNAVAILABLE: connection refused');
    },
  });
  const res = await deliver(h.port, finished);
  t.same([res.status, res.json], [503, unavailable]);
  t.equal(h.starts.length, 0);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook not processed');
  t.match(line, { level: 'warn', outcome: 'unavailable', workflowId: MONITOR, error: 'Error: 14 UNAVAILABLE: connection refused' });

  const oddValues: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'a string'],
    ['a bare object', Object.create(null)],
  ];
  for (const [label, value] of oddValues) {
    // Rejections with values that are not Errors, on purpose: the listener must still answer 503.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const odd = await startHarness(t, { routeRunState: () => Promise.reject(value) });
    t.equal((await deliver(odd.port, finished)).status, 503, `rejecting with ${label}`);
  }
  const sync = await startHarness(t, {
    routeRunState: () => {
      throw new Error('sync');
    },
  });
  t.equal((await deliver(sync.port, finished)).status, 503, 'a synchronous throw');
  const broken = await startHarness(t, { routeRunState: async () => 'maybe' as RouteOutcome });
  t.same([(await deliver(broken.port, finished)).status, broken.starts.length], [500, 0], 'an unknown answer starts nothing');
});

/** The listener's own predicate, as `serve` builds it from the worker's Spacelift settings. */
const listenerPredicate = (mode: 'graph' | 'direct') =>
  cascadeTriggeredBy({ cascade: { mode }, cascadeKeyId: '01HZZZEXAMPLEKEY0000000000' } as unknown as Pick<
    Config,
    'cascade' | 'cascadeKeyId'
  >);

t.test(
  'graph mode with the key: a run the cascade triggered is signalled to its monitor, one call, and never starts a cascade',
  async (t) => {
    const h = await startHarness(t, { cascadeTriggeredBy: listenerPredicate('graph'), routeRunState: router('delivered') });
    const res = await deliver(h.port, ourRun());
    t.same([res.status, res.json], [200, { status: 'delivered', workflowId: MONITOR }]);
    const planning = await deliver(h.port, ourRun({}, { state: 'PLANNING' }));
    t.same([planning.status, planning.json.status], [200, 'delivered'], 'any state, before the filter');
    // The shortened form of Spacelift's changelog (2025-09-16), `api::01K56PK::DevopsSpaceKey`, with our key's prefix.
    t.equal((await deliver(h.port, ourRun({ triggeredBy: 'api::01HZZZE::cascade-key' }))).json.status, 'delivered');
    t.same(h.routeModes, ['signal', 'signal', 'signal'], 'signalled, never described first');
    t.equal(h.starts.length, 0);

    const ended = await startHarness(t, { cascadeTriggeredBy: listenerPredicate('graph'), routeRunState: router('already-complete') });
    t.same((await deliver(ended.port, ourRun())).json, { status: 'duplicate', workflowId: MONITOR }, 'its monitor has ended: a redelivery');
    t.equal(ended.starts.length, 0);
  },
);

t.test(
  'graph mode with the key: a run the cascade triggered whose monitor is not running yet is acknowledged (202), never started',
  async (t) => {
    const h = await startHarness(t, { cascadeTriggeredBy: listenerPredicate('graph') });
    const res = await deliver(h.port, ourRun());
    t.same(
      [res.status, res.json],
      [
        202,
        {
          status: 'ignored',
          reason:
            'run was triggered by a cascade (api::01HZZZEXAMPLEKEY0000000000); no monitor of it is running yet: the cascade that triggered it polls the run',
        },
      ],
    );
    t.same(h.routeModes, ['signal']);
    t.equal(h.starts.length, 0);
    const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
    t.match(metrics.text, /^spacelift_cascade_webhooks_total\{outcome="ignored"\} 1$/m);
  },
);

t.test('graph mode with the key: any other run goes straight to the filter and the start, never to Temporal first', async (t) => {
  const h = await startHarness(t, { cascadeTriggeredBy: listenerPredicate('graph'), routeRunState: router('delivered') });
  t.same((await deliver(h.port, ourRun({ triggeredBy: 'api::SOMEOTHERKEY' }))).json.status, 'started', 'another key');
  t.same((await deliver(h.port, ourRun({ triggeredBy: 'api::01HZZZX::cascade-key' }))).json.status, 'started', 'another key’s prefix');
  t.same((await deliver(h.port, ourRun({ triggeredBy: null }))).json.status, 'started');
  t.same((await deliver(h.port, finished)).json.status, 'started', 'a user’s run');
  const planning = await deliver(h.port, fixture('run-planning.json'));
  t.same([planning.status, planning.json.reason], [202, 'state PLANNING does not start a chain'], 'filtered without any Temporal call');
  t.equal(h.routed.length, 0, 'no run was routed: one Temporal call (the start) per webhook, none for a filtered one');
  t.equal(h.starts.length, 4);
});

t.test('direct mode: no run is watched, so nothing is routed and the runs of a chain continue it, as originally', async (t) => {
  t.equal(listenerPredicate('direct'), undefined, 'direct mode has no predicate');
  const h = await startHarness(t, { watchesRuns: false, routeRunState: router('delivered') });
  t.same((await deliver(h.port, ourRun())).json.status, 'started');
  t.equal((await deliver(h.port, fixture('run-planning.json'))).status, 202);
  t.equal(h.routed.length, 0);
  t.equal(h.starts.length, 1);
});

t.test('a listener without the key (split `webhook` without SPACELIFT_API_KEY_ID) asks Temporal about every run', async (t) => {
  const h = await startHarness(t);
  t.same((await deliver(h.port, ourRun())).json.status, 'started', "no monitor: it cannot tell the run is a cascade's");
  t.same(h.routeModes, ['ask']);
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
