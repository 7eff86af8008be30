import t from 'tap';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { deliver, fixture, send, startHarness } from './harness';

t.test('ignored deliveries answer 202 and start nothing', async (t) => {
  const h = await startHarness(t);
  const cases: Array<[string, string]> = [
    ['run-finished-proposed.json', 'run type PROPOSED does not start a chain'],
    ['run-planning.json', 'state PLANNING does not start a chain'],
    ['run-unconfirmed.json', 'state UNCONFIRMED does not start a chain'],
    ['run-failed-tracked.json', 'state FAILED does not start a chain'],
  ];
  for (const [name, reason] of cases) {
    const res = await deliver(h.port, fixture(name));
    t.equal(res.status, 202, name);
    t.same(res.json, { status: 'ignored', reason });
  }
  t.equal(h.starts.length, 0);
});

t.test('trigger states and run types are configurable', async (t) => {
  const h = await startHarness(t, { config: { triggerStates: ['FINISHED', 'FAILED'], runTypes: ['TRACKED', 'PROPOSED'] } });
  t.equal((await deliver(h.port, fixture('run-failed-tracked.json'))).status, 200);
  t.equal((await deliver(h.port, fixture('run-finished-proposed.json'))).status, 200);
  t.same(
    h.starts.map((s) => s.runState),
    ['FAILED', 'FINISHED'],
  );
});

t.test('a custom policy payload with the required fields starts a chain', async (t) => {
  const h = await startHarness(t);
  const res = await deliver(h.port, fixture('custom-policy-payload.json'));
  t.same([res.status, res.json], [200, { status: 'started', workflowId: 'cascade-eks-01JQ7Z9EXAMPLERUNEKS00001' }]);
});

t.test('null where the docs only show an example: the run still starts a chain; a null count makes delta unknown', async (t) => {
  const h = await startHarness(t);
  const res = await deliver(h.port, fixture('run-finished-nulls.json'));
  t.same([res.status, res.json], [200, { status: 'started', workflowId: 'cascade-dns-01JQ7Z9EXAMPLERUNDNS00001' }]);
  t.same(h.starts, [{ stackId: 'dns', runId: '01JQ7Z9EXAMPLERUNDNS00001', runState: 'FINISHED', runDelta: null }]);
  const event = JSON.parse(fixture('run-finished-nulls.json').toString()) as { run: Record<string, unknown> };
  const untyped = await deliver(h.port, JSON.stringify({ ...event, run: { ...event.run, type: null } }));
  t.same([untyped.status, untyped.json], [202, { status: 'ignored', reason: 'run type null does not start a chain' }]);
});

t.test('duplicate: a redelivery maps onto the existing chain', async (t) => {
  const h = await startHarness(t, {
    startCascade: async (req) => ({ status: 'duplicate', workflowId: `cascade-${req.stackId}-${req.runId}` }),
  });
  const res = await deliver(h.port, fixture('run-finished-tracked.json'));
  t.same([res.status, res.json], [200, { status: 'duplicate', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' }]);
  const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
  t.match(metrics.text, /^spacelift_cascade_webhooks_total\{outcome="duplicate"\} 1$/m);
  t.match(metrics.text, /^spacelift_cascade_chains_started_total 0$/m);
});

t.test('503 when Temporal does not accept the start, so Spacelift retries', async (t) => {
  const unavailable = { status: 'unavailable', reason: 'Temporal did not accept the workflow start; retry' };
  const h = await startHarness(t, {
    startCascade: async () => {
      throw new Error('14 UNAVAILABLE: connection refused');
    },
  });
  const res = await deliver(h.port, fixture('run-finished-tracked.json'));
  t.same([res.status, res.json], [503, unavailable]);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook not processed');
  t.match(line, { level: 'warn', stackId: 'vpc', error: 'Error: 14 UNAVAILABLE: connection refused', outcome: 'unavailable' });
});

t.test('WorkflowExecutionAlreadyStartedError leaking out is still answered', async (t) => {
  const h = await startHarness(t, {
    startCascade: async () => {
      throw new WorkflowExecutionAlreadyStartedError('x', 'id', 'type');
    },
  });
  t.equal((await deliver(h.port, fixture('run-finished-tracked.json'))).status, 503);
});

t.test('never crashes: odd thrown values and broken outcomes', async (t) => {
  const hostile = {
    toString() {
      throw new Error('no');
    },
    toJSON() {
      throw new Error('no');
    },
  };
  const throwingGetter = new Error('x');
  Object.defineProperty(throwingGetter, 'message', {
    get: () => {
      throw new Error('nope');
    },
  });
  const oddValues: unknown[] = [null, undefined, 'a string', 42, Object.create(null), hostile, throwingGetter, 10n];
  for (const value of oddValues) {
    // Rejections with values that are not Errors, on purpose: the listener must still answer 503.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const h = await startHarness(t, { startCascade: () => Promise.reject(value) });
    const res = await deliver(h.port, fixture('run-finished-tracked.json'));
    t.equal(res.status, 503, `rejecting with ${typeof value}`);
  }
  const syncThrow = await startHarness(t, {
    startCascade: () => {
      throw new Error('sync');
    },
  });
  t.equal((await deliver(syncThrow.port, fixture('run-finished-tracked.json'))).status, 503, 'synchronous throw');

  const broken = await startHarness(t, { startCascade: async () => undefined as never });
  const res = await deliver(broken.port, fixture('run-finished-tracked.json'));
  t.same([res.status, res.json], [500, { status: 'error', reason: 'internal error' }]);
  t.ok(broken.logs.some((l) => l.includes('request handler failed')));
  t.equal((await send(broken.port, { method: 'GET', path: '/healthz' })).status, 200, 'still serving');
});
