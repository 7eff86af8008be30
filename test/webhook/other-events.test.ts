// Signed deliveries that are not run state events: Spacelift's own examples of an internal error and an audit
// event, a notification policy's custom payload, and JSON that is no object. Each is acknowledged (202 ignored),
// counted by event type and logged; only a body that looks like a run state event can be answered 422.
import t from 'tap';
import { classifyDelivery, RUN_EVENT_KEYS } from '../../src/webhook/event-type';
import { deliver, fixture, send, startHarness } from './harness';
import { metricValue } from '../support/metric-value';

const ignoredBecause = (eventType: string) => ({
  status: 'ignored',
  reason: `not a run state event (${eventType}); only run state changes start cascades`,
});

t.test('Spacelift’s internal error example (docs/integrations/webhooks.md) is 202 ignored, counted and logged', async (t) => {
  const h = await startHarness(t);
  const res = await deliver(h.port, fixture('other/internal-error.json'));
  t.same([res.status, res.json], [202, ignoredBecause('internal_error')]);
  t.equal(h.starts.length + h.routed.length, 0, 'nothing started, nothing routed');
  t.equal(await metricValue(h.metrics.webhookOtherEvents, { event_type: 'internal_error' }), 1);
  t.equal(await metricValue(h.metrics.webhooks, { outcome: 'ignored' }), 1);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook ignored');
  t.match(line, { level: 'info', status: 202, outcome: 'ignored', eventType: 'internal_error', reason: /not a run state event/ });
});

t.test('an audit event, a custom policy payload and JSON that is no object are ignored as their type', async (t) => {
  const h = await startHarness(t);
  const cases: [Buffer | string, string][] = [
    [fixture('other/audit-trail.json'), 'audit_trail'],
    [fixture('other/custom-payload.json'), 'other'],
    ['[1,2]', 'other'],
    ['"FINISHED"', 'other'],
    ['null', 'other'],
    ['{}', 'other'],
    ['{"title":"x","severity":"INFO"}', 'other'],
  ];
  for (const [body, eventType] of cases) {
    const res = await deliver(h.port, body);
    t.same([res.status, res.json], [202, ignoredBecause(eventType)], String(body).slice(0, 40));
  }
  t.equal(await metricValue(h.metrics.webhookOtherEvents, { event_type: 'audit_trail' }), 1);
  t.equal(await metricValue(h.metrics.webhookOtherEvents, { event_type: 'other' }), 6);
  t.equal(h.starts.length, 0);
  const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
  t.match(
    metrics.text,
    /^spacelift_cascade_webhook_other_events_total\{event_type="internal_error"\} 0$/m,
    'every type is exported from the start',
  );
  t.match(metrics.text, /^spacelift_cascade_webhook_other_events_total\{event_type="other"\} 6$/m);
});

t.test('the gate still comes first: an unsigned internal error is 401, and counts as no event', async (t) => {
  const h = await startHarness(t);
  const res = await deliver(h.port, fixture('other/internal-error.json'), 'not-the-secret');
  t.equal(res.status, 401);
  t.equal(await metricValue(h.metrics.webhookOtherEvents, { event_type: 'internal_error' }), 0);
});

t.test('a body that looks like a run state event but is malformed stays 422', async (t) => {
  const h = await startHarness(t);
  const cases: [string, string][] = [
    [fixture('invalid/run-missing-id.json').toString(), 'run.id is required'],
    [fixture('invalid/policy-input-shape.json').toString(), 'state is required'],
    ['{"run":"01JQ7Z9EXAMPLERUNVPC00001"}', 'state is required'],
    ['{"state":"FINISHED","stateVersion":1}', 'run is required'],
  ];
  for (const [body, reason] of cases) {
    const res = await deliver(h.port, body);
    t.same([res.status, res.json], [422, { status: 'rejected', reason }], reason);
  }
  t.equal(await metricValue(h.metrics.webhookOtherEvents, { event_type: 'other' }), 0);
});

t.test('classifyDelivery: the run state event keys, own properties only', async (t) => {
  t.same(RUN_EVENT_KEYS, ['run', 'stack', 'state', 'stateVersion', 'run_updated']);
  for (const key of RUN_EVENT_KEYS) t.same(classifyDelivery({ [key]: null }), { runEvent: true }, key);
  t.same(classifyDelivery(JSON.parse('{"__proto__":{"state":"FINISHED"}}')), { runEvent: false, eventType: 'other' });
  t.same(classifyDelivery(JSON.parse(fixture('run-finished-tracked.json').toString())), { runEvent: true });
  t.same(
    classifyDelivery(JSON.parse(fixture('custom-policy-payload.json').toString())),
    { runEvent: true },
    'a custom payload with run fields is a run event',
  );
});
