import t from 'tap';
import { signPayload } from '../../src/webhook';
import { deliver, fixture, OLD_SECRET, SECRET, send, startHarness } from './harness';

const finished = fixture('run-finished-tracked.json');
const signedHeaders = (body: Buffer | string) => ({ 'content-type': 'application/json', 'x-signature-256': signPayload(body, SECRET) });

t.test('a signed finished tracked run starts the chain', async (t) => {
  const h = await startHarness(t);
  const res = await deliver(h.port, finished);
  t.equal(res.status, 200);
  t.same(res.json, { status: 'started', workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' });
  t.same(h.starts, [
    { stackId: 'vpc', runId: '01JQ7Z9EXAMPLERUNVPC00001', runState: 'FINISHED', runDelta: { added: 2, changed: 1, deleted: 0 } },
  ]);
  t.match(res.headers['content-type'], /^application\/json/);
});

t.test('routing: 404 and 405 with Allow', async (t) => {
  const h = await startHarness(t);
  const missing = await send(h.port, { path: '/webhooks/github', body: finished, headers: signedHeaders(finished) });
  t.equal(missing.status, 404);
  t.same(missing.json, { status: 'rejected', reason: 'no route for /webhooks/github' });
  const get = await send(h.port, { method: 'GET' });
  t.equal(get.status, 405);
  t.equal(get.headers.allow, 'POST');
  t.same(get.json, { status: 'rejected', reason: 'GET is not allowed on /webhooks/spacelift; use POST' });
  const postHealth = await send(h.port, { path: '/healthz', body: '{}' });
  t.equal(postHealth.status, 405);
  t.equal(postHealth.headers.allow, 'GET, HEAD');
  t.equal(
    (await send(h.port, { path: '/webhooks/spacelift?x=1', body: finished, headers: signedHeaders(finished) })).status,
    200,
    'query string ignored',
  );
  t.equal(h.starts.length, 1);
});

t.test('415 unless application/json (parameters allowed)', async (t) => {
  const h = await startHarness(t);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
    const res = await send(h.port, { body: finished, headers: { ...signedHeaders(finished), 'content-type': type } });
    t.equal(res.status, 415, type);
    t.same(res.json, { status: 'rejected', reason: 'content type must be application/json' });
  }
  t.equal(
    (await send(h.port, { body: finished, headers: { 'x-signature-256': signPayload(finished, SECRET) } })).status,
    415,
    'missing content type',
  );
  const charset = await send(h.port, {
    body: finished,
    headers: { ...signedHeaders(finished), 'content-type': 'Application/JSON; charset=utf-8' },
  });
  t.equal(charset.status, 200);
  t.equal(h.starts.length, 1);
});

t.test('413 on a declared or streamed body over the limit', async (t) => {
  const h = await startHarness(t, { config: { maxBodyBytes: 1024 } });
  const big = Buffer.alloc(200 * 1024, 'x');
  const declared = await send(h.port, { body: big, headers: signedHeaders(big) });
  t.equal(declared.status, 413);
  t.same(declared.json, { status: 'rejected', reason: 'body exceeds 1024 bytes' });
  t.equal(declared.headers.connection, 'close');
  const streamed = await send(h.port, { body: big, chunked: true, headers: signedHeaders(big) });
  t.equal(streamed.status, 413, 'chunked body cut off while reading');
  t.equal(h.starts.length, 0);
  t.equal((await deliver(h.port, finished)).status, 200, 'a normal delivery still works afterwards');
});

t.test('401: missing, malformed, wrong secret, re-serialised body', async (t) => {
  const h = await startHarness(t);
  const cases: Array<[Record<string, string>, string]> = [
    [{}, 'missing X-Signature-256 header'],
    [{ 'x-signature-256': 'sha1=abc' }, 'X-Signature-256 must be sha256=<64 hex digits>'],
    [{ 'x-signature-256': signPayload(finished, 'guessed-secret') }, 'X-Signature-256 does not match the body'],
    [
      { 'x-signature-256': signPayload(JSON.stringify(JSON.parse(finished.toString())), SECRET) },
      'X-Signature-256 does not match the body',
    ],
  ];
  for (const [headers, reason] of cases) {
    const res = await send(h.port, { body: finished, headers: { 'content-type': 'application/json', ...headers } });
    t.equal(res.status, 401, reason);
    t.same(res.json, { status: 'rejected', reason });
  }
  t.equal(h.starts.length, 0);
  t.notOk(
    h.logs.some((line) => line.includes(signPayload(finished, 'guessed-secret').slice(7))),
    'signatures are never logged',
  );
});

t.test('secret rotation: the old and the new secret both verify', async (t) => {
  const h = await startHarness(t);
  t.equal((await deliver(h.port, finished, SECRET)).status, 200);
  t.equal((await deliver(h.port, finished, OLD_SECRET)).status, 200);
  t.equal(h.starts.length, 2);
});

t.test('the signature is checked before the JSON is parsed', async (t) => {
  const h = await startHarness(t);
  const garbage = '{"account": ';
  const unsigned = await send(h.port, {
    body: garbage,
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(garbage, 'nope') },
  });
  t.equal(unsigned.status, 401, 'bad JSON with a bad signature is a 401, not a 400');
  const signed = await deliver(h.port, garbage);
  t.equal(signed.status, 400);
  t.equal(signed.json.status, 'rejected');
  t.match(signed.json.reason, /^body is not valid JSON: /);
});

t.test('422 names the field and the value', async (t) => {
  const h = await startHarness(t);
  const cases: Array<[unknown, string]> = [
    [{ ...JSON.parse(finished.toString()), run: { type: 'TRACKED' } }, 'run.id is required'],
    [JSON.parse(fixture('invalid/state-version-string.json').toString()), 'stateVersion must be integer, got "7"'],
    [{ ...JSON.parse(finished.toString()), run: { id: 'r1', type: 42 } }, 'run.type must be string, got 42'],
    [{ ...JSON.parse(finished.toString()), stack: { id: '' } }, 'stack.id must NOT have fewer than 1 characters, got ""'],
    [JSON.parse(fixture('invalid/policy-input-shape.json').toString()), 'state is required'],
    [{ ...JSON.parse(finished.toString()), account: { name: 'acme' } }, 'account must be string, got an object'],
  ];
  for (const [payload, reason] of cases) {
    const res = await deliver(h.port, JSON.stringify(payload));
    t.equal(res.status, 422, reason);
    t.same(res.json, { status: 'rejected', reason });
  }
  t.equal(h.starts.length, 0);
});

t.test('insecureSkipSignature accepts unsigned deliveries', async (t) => {
  const h = await startHarness(t, { config: { secrets: [], insecureSkipSignature: true } });
  const res = await send(h.port, { body: finished, headers: { 'content-type': 'application/json' } });
  t.equal(res.status, 200);
});

t.test('healthz, readyz and HEAD', async (t) => {
  let ready: boolean | { ready: boolean; reason: string } | Error = false;
  const h = await startHarness(t, {
    isReady: () => {
      if (ready instanceof Error) throw ready;
      return ready;
    },
  });
  const health = await send(h.port, { method: 'GET', path: '/healthz' });
  t.same([health.status, health.json], [200, { status: 'ok' }]);
  t.same((await send(h.port, { method: 'GET', path: '/readyz' })).json, { status: 'not_ready', reason: 'not ready' });
  ready = { ready: false, reason: 'worker is STOPPING' };
  const notReady = await send(h.port, { method: 'GET', path: '/readyz' });
  t.same([notReady.status, notReady.json], [503, { status: 'not_ready', reason: 'worker is STOPPING' }]);
  ready = new Error('probe exploded');
  t.same((await send(h.port, { method: 'GET', path: '/readyz' })).json, {
    status: 'not_ready',
    reason: 'readiness check failed: Error: probe exploded',
  });
  ready = true;
  const isReady = await send(h.port, { method: 'GET', path: '/readyz' });
  t.same([isReady.status, isReady.json], [200, { status: 'ready' }]);
  const head = await send(h.port, { method: 'HEAD', path: '/readyz' });
  t.same([head.status, head.text], [200, '']);
});

t.test('metrics count every delivery by outcome', async (t) => {
  const h = await startHarness(t);
  await deliver(h.port, finished);
  await deliver(h.port, fixture('run-finished-proposed.json'));
  await send(h.port, { body: finished, headers: { 'content-type': 'application/json' } });
  await send(h.port, { method: 'GET', path: '/healthz' });
  const res = await send(h.port, { method: 'GET', path: '/metrics' });
  t.equal(res.status, 200);
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.match(res.text, /^spacelift_cascade_webhooks_total\{outcome="started"\} 1$/m);
  t.match(res.text, /^spacelift_cascade_webhooks_total\{outcome="ignored"\} 1$/m);
  t.match(res.text, /^spacelift_cascade_webhooks_total\{outcome="unauthorized"\} 1$/m);
  t.match(res.text, /^spacelift_cascade_chains_started_total 1$/m);
  t.match(res.text, /^spacelift_cascade_webhook_duration_seconds_count\{outcome="started"\} 1$/m);
  t.notMatch(res.text, /outcome="error"/, 'health checks are not webhooks');
});

t.test('logs carry stack, run and workflow IDs but never secrets', async (t) => {
  const h = await startHarness(t);
  await deliver(h.port, finished);
  const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'webhook started');
  t.match(line, {
    level: 'info',
    stackId: 'vpc',
    runId: '01JQ7Z9EXAMPLERUNVPC00001',
    workflowId: 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001',
    status: 200,
  });
  for (const l of h.logs) {
    t.notMatch(l, SECRET);
    t.notMatch(l, signPayload(finished, SECRET).slice(7));
  }
});
