// The metrics-only HTTP server for processes without the webhook listener.
import t from 'tap';
import { createCascadeMetrics, PROMETHEUS_CONTENT_TYPE, serveMetrics } from '../../src/metrics';

t.test('GET /metrics answers the exposition; other paths 404, other methods 405', async (t) => {
  const metrics = createCascadeMetrics();
  metrics.triggers.inc({}, 3);
  const server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${server.address.port}`;

  const res = await fetch(`${base}/metrics`);
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
  t.match(await res.text(), /^spacelift_cascade_triggers_total 3$/m);
  const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
  t.same([head.status, await head.text()], [200, '']);
  t.equal((await fetch(`${base}/webhooks/spacelift`, { method: 'POST', body: '{}' })).status, 404);
  const post = await fetch(`${base}/metrics`, { method: 'POST', body: '' });
  t.same([post.status, post.headers.get('allow')], [405, 'GET, HEAD']);
});

t.test('a port in use is refused with the reason', async (t) => {
  const first = await serveMetrics(createCascadeMetrics(), { host: '127.0.0.1', port: 0 });
  t.teardown(() => first.close());
  await t.rejects(serveMetrics(createCascadeMetrics(), { host: '127.0.0.1', port: first.address.port }), { code: 'EADDRINUSE' });
});
