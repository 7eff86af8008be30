// POST /webhooks/terraform: HCP Terraform notifications through the same gate as Spacelift's, signed with
// X-TFE-Notification-Signature (hex HMAC-SHA512); a finished workspace run starts the cascade of tfc:<workspace>.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteOutcome } from '../../src/webhook';
import { signTerraformPayload } from '../../src/terraform/webhook';
import { send, startHarness, type HttpResult } from './harness';

const TFC_SECRET = 'tfc-notification-token';
const OLD_TFC_SECRET = 'tfc-previous-token';
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'terraform');
const notification = (name: string, change: (payload: Record<string, unknown>) => void = () => undefined): string => {
  const payload = JSON.parse(readFileSync(join(FIXTURES, `notification.${name}.json`), 'utf8')) as Record<string, unknown>;
  change(payload);
  return JSON.stringify(payload);
};
/** A completed run the cascade did not create (the fixture's run was created by one). */
const applied = notification('run-completed', (p) => (p.run_message = 'Merge pull request #42'));
const deliverTfc = (port: number, body: string, secret = TFC_SECRET, headers: Record<string, string> = {}): Promise<HttpResult> =>
  send(port, {
    path: '/webhooks/terraform',
    body,
    headers: { 'content-type': 'application/json', 'x-tfe-notification-signature': signTerraformPayload(body, secret), ...headers },
  });
const withTfc = { config: { terraformSecrets: [TFC_SECRET, OLD_TFC_SECRET] } };

t.test('an applied run starts the cascade of tfc:<workspace>, once per run', async (t) => {
  const h = await startHarness(t, withTfc);
  const res = await deliverTfc(h.port, applied);
  t.same([res.status, res.json], [200, { status: 'started', workflowId: 'cascade-tfc:eks-run-CZcmD7eagjhyX0vN' }]);
  t.same(h.starts, [{ stackId: 'tfc:eks', runId: 'run-CZcmD7eagjhyX0vN', runState: 'FINISHED', runDelta: null }]);
  t.same(h.routed, [], 'a run no cascade created has no monitor: the start is the only Temporal call');
  const rotated = await deliverTfc(h.port, applied, OLD_TFC_SECRET);
  t.equal(rotated.status, 200, 'the previous token still verifies during rotation');
  const metrics = await send(h.port, { method: 'GET', path: '/metrics' });
  t.match(metrics.text, /^spacelift_cascade_webhooks_total\{outcome="started"\} 2$/m);
});

t.test('the signature is checked over the raw body, before parsing', async (t) => {
  const h = await startHarness(t, withTfc);
  const missing = await send(h.port, { path: '/webhooks/terraform', body: applied, headers: { 'content-type': 'application/json' } });
  t.same([missing.status, missing.json.reason], [401, 'missing X-TFE-Notification-Signature header']);
  const malformed = await deliverTfc(h.port, applied, TFC_SECRET, { 'x-tfe-notification-signature': 'sha512=abc' });
  t.same([malformed.status, malformed.json.reason], [401, 'X-TFE-Notification-Signature must be 128 hex digits (HMAC-SHA512)']);
  const wrong = await deliverTfc(h.port, applied, 'not-the-token');
  t.same([wrong.status, wrong.json.reason], [401, 'X-TFE-Notification-Signature does not match the body']);
  const spaceliftStyle = await send(h.port, {
    path: '/webhooks/terraform',
    body: applied,
    headers: { 'content-type': 'application/json', 'x-signature-256': 'sha256=00' },
  });
  t.equal(spaceliftStyle.status, 401, "Spacelift's header is not accepted on the Terraform route");
  t.equal(h.starts.length, 0);
  t.notMatch(h.logs.join('\n'), TFC_SECRET, 'the token never reaches the logs');
});

t.test('Content-Type (undocumented for notifications): application/json with or without parameters, or none if signed', async (t) => {
  const h = await startHarness(t, withTfc);
  const signature = { 'x-tfe-notification-signature': signTerraformPayload(applied, TFC_SECRET) };
  const post = (headers: Record<string, string>) =>
    send(h.port, { path: '/webhooks/terraform', body: applied, headers: { ...signature, ...headers } });
  t.equal((await post({ 'content-type': 'application/json' })).status, 200);
  t.equal((await post({ 'content-type': 'application/json; charset=utf-8' })).status, 200, 'with a parameter');
  t.equal((await post({})).status, 200, 'no Content-Type at all: the signature vouches for the body');
  t.equal(h.starts.length, 3);
  const unsigned = await send(h.port, { path: '/webhooks/terraform', body: applied, headers: {} });
  t.same([unsigned.status, unsigned.json.reason], [401, 'missing X-TFE-Notification-Signature header'], 'no Content-Type and no signature');
  const forged = await send(h.port, {
    path: '/webhooks/terraform',
    body: applied,
    headers: { 'x-tfe-notification-signature': signTerraformPayload(applied, 'guess') },
  });
  t.equal(forged.status, 401);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    const res = await post({ 'content-type': type });
    t.same([res.status, res.json.reason], [415, 'content type must be application/json'], type);
  }
  t.equal(h.starts.length, 3);

  const insecure = await startHarness(t, { config: { terraformSecrets: [], insecureSkipSignature: true } });
  t.equal(
    (await send(insecure.port, { path: '/webhooks/terraform', body: applied, headers: {} })).status,
    415,
    'unsigned mode: nothing vouches for a body without a type',
  );
  t.equal(
    (await send(insecure.port, { path: '/webhooks/terraform', body: applied, headers: { 'content-type': 'application/json' } })).status,
    200,
  );
});

t.test('verification pings and non-run notifications are acknowledged and start nothing', async (t) => {
  const h = await startHarness(t, withTfc);
  for (const name of ['verification', 'assessment-drifted']) {
    const res = await deliverTfc(h.port, notification(name));
    t.same([res.status, res.json.status], [200, 'ignored'], name);
  }
  t.equal(h.starts.length + h.routed.length, 0);
});

t.test('errored runs and runs the cascade created do not start a cascade; only the latter are signalled to their monitor', async (t) => {
  const h = await startHarness(t, withTfc);
  const errored = await deliverTfc(
    h.port,
    notification('run-errored', (p) => (p.run_message = 'manual')),
  );
  t.same([errored.status, errored.json.reason], [202, 'state FAILED (errored) does not start a chain']);
  const ours = await deliverTfc(h.port, notification('run-completed'));
  t.same(
    [ours.status, ours.json.reason],
    [
      202,
      'run was created by a cascade (its message says so); no monitor of it is running yet: the cascade that triggered it polls the run',
    ],
  );
  t.equal(h.starts.length, 0);
  t.same(
    h.routed.map((r) => r.runId),
    ['run-CZcmD7eagjhyX0vN'],
    'only the run a cascade created was offered to its monitor',
  );
  t.same(h.routeModes, ['signal'], 'by signal: the message marker says whose run it is');

  const direct = await startHarness(t, { ...withTfc, watchesRuns: false });
  const inDirect = await deliverTfc(direct.port, notification('run-completed'));
  t.same(
    [inDirect.status, inDirect.json.reason],
    [202, 'run was created by a cascade (its message says so); the cascade that created it follows it'],
  );
  t.same([direct.routed.length, direct.starts.length], [0, 0], 'direct mode watches no run');
});

t.test('a watched run goes to tfc-run-<runId>; Temporal down is a 503 so HCP Terraform retries', async (t) => {
  const delivered = await startHarness(t, { ...withTfc, routeRunState: async (): Promise<RouteOutcome> => 'delivered' });
  const res = await deliverTfc(delivered.port, notification('run-completed'));
  t.same([res.status, res.json], [200, { status: 'delivered', workflowId: 'tfc-run-run-CZcmD7eagjhyX0vN' }]);
  const down = await startHarness(t, {
    ...withTfc,
    startCascade: async () => {
      throw new Error('14 UNAVAILABLE');
    },
  });
  const refused = await deliverTfc(down.port, applied);
  t.equal(refused.status, 503);
});

t.test('bad payloads are 422 naming the field; the route is off without TFC_WEBHOOK_SECRET', async (t) => {
  const h = await startHarness(t, withTfc);
  const bad = await deliverTfc(
    h.port,
    notification('run-completed', (p) => (p.run_id = 42)),
  );
  t.equal(bad.status, 422);
  t.match(String(bad.json.reason), /run_id/);
  const off = await startHarness(t);
  const res = await deliverTfc(off.port, applied);
  t.same([res.status, res.json.reason], [404, 'no route for /webhooks/terraform']);
});
