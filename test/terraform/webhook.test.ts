// HCP Terraform notifications: the X-TFE-Notification-Signature check and the payload parser.
import t from 'tap';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  TERRAFORM_SIGNATURE_HEADER,
  parseTerraformNotification,
  signTerraformPayload,
  verifyTerraformSignature,
} from '../../src/terraform/webhook';
import type { RunNotificationPayload } from '../../src/terraform/types';
import { deleteAt, setAt } from '../support/json';

const body = readFileSync(path.join(__dirname, '../../fixtures/terraform/notification.run-completed.json'));
const load = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, `../../fixtures/terraform/notification.${name}.json`), 'utf8'));
/** A run notification fixture, to edit into another valid one. */
const loadRun = (name: string) => load(name) as RunNotificationPayload;

t.test('the signature is the hex HMAC-SHA512 of the raw body, keyed with the token', async (t) => {
  const expected = crypto.createHmac('sha512', 'nc-token').update(body).digest('hex');
  t.equal(signTerraformPayload(body, 'nc-token'), expected);
  t.match(expected, /^[0-9a-f]{128}$/);
  t.equal(TERRAFORM_SIGNATURE_HEADER, 'x-tfe-notification-signature');
});

t.test('accepts the signature of any configured secret (rotation)', async (t) => {
  t.equal(verifyTerraformSignature(body, signTerraformPayload(body, 'a-secret'), ['a-secret']), 'ok');
  t.equal(verifyTerraformSignature(body, signTerraformPayload(body, 'old'), ['new', 'old']), 'ok');
  t.equal(verifyTerraformSignature(body, signTerraformPayload(body, 'new'), ['new', 'old']), 'ok');
  t.equal(verifyTerraformSignature(body, signTerraformPayload(body, 's').toUpperCase(), ['s']), 'ok', 'hex case does not matter');
  t.equal(verifyTerraformSignature(body, ` ${signTerraformPayload(body, 's')} `, ['s']), 'ok', 'surrounding spaces tolerated');
});

t.test('classifies bad headers', async (t) => {
  t.equal(verifyTerraformSignature(body, undefined, ['s']), 'missing');
  t.equal(verifyTerraformSignature(body, '', ['s']), 'missing');
  t.equal(verifyTerraformSignature(body, `sha512=${signTerraformPayload(body, 's')}`, ['s']), 'malformed', 'no prefix');
  t.equal(
    verifyTerraformSignature(body, crypto.createHmac('sha256', 's').update(body).digest('hex'), ['s']),
    'malformed',
    'a SHA-256 digest is too short',
  );
  t.equal(verifyTerraformSignature(body, 'z'.repeat(128), ['s']), 'malformed');
  t.equal(verifyTerraformSignature(body, [signTerraformPayload(body, 's')], ['s']), 'malformed', 'repeated header');
  t.equal(verifyTerraformSignature(body, signTerraformPayload(body, 'other'), ['s']), 'mismatch');
  t.equal(verifyTerraformSignature(body, signTerraformPayload(body, 's'), []), 'mismatch', 'no secrets accepts nothing');
  const pretty = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 4));
  t.equal(verifyTerraformSignature(pretty, signTerraformPayload(body, 's'), ['s']), 'mismatch', 'raw bytes, not re-serialised JSON');
});

t.test('compares with timingSafeEqual on 64-byte buffers, once per secret even after a match', async (t) => {
  const calls: [number, number][] = [];
  const { verifyTerraformSignature: verify } = t.mockRequire<typeof import('../../src/terraform/webhook')>('../../src/terraform/webhook', {
    'node:crypto': {
      ...crypto,
      timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
        calls.push([a.byteLength, b.byteLength]);
        return crypto.timingSafeEqual(a, b);
      },
    },
  });
  t.equal(verify(body, signTerraformPayload(body, 'first'), ['first', 'second', 'third']), 'ok');
  t.same(calls, [
    [64, 64],
    [64, 64],
    [64, 64],
  ]);
});

t.test('run:completed with applied → FINISHED, recognised as the cascade’s run', async (t) => {
  t.same(parseTerraformNotification(load('run-completed')), {
    ok: true,
    event: {
      workspace: 'eks',
      organization: 'acme',
      runId: 'run-CZcmD7eagjhyX0vN',
      runStatus: 'applied',
      state: 'FINISHED',
      trigger: 'run:completed',
      runMessage: 'Triggered by spacelift-cascade',
      triggeredByCascade: true,
    },
  });
});

t.test('run:errored → FAILED, not the cascade’s', async (t) => {
  t.same(parseTerraformNotification(load('run-errored')), {
    ok: true,
    event: {
      workspace: 'network',
      organization: 'acme',
      runId: 'run-bWSq4YeYpfrW4mx7',
      runStatus: 'errored',
      state: 'FAILED',
      trigger: 'run:errored',
      runMessage: 'Add five new queue workers',
      triggeredByCascade: false,
    },
  });
  const canceled = loadRun('run-errored');
  canceled.notifications[0].run_status = 'canceled';
  t.match(parseTerraformNotification(canceled), { ok: true, event: { state: 'CANCELED', trigger: 'run:errored' } });
});

t.test('non-final run notifications carry the upper-cased status', async (t) => {
  const planning = loadRun('run-completed');
  planning.notifications[0] = { ...planning.notifications[0], trigger: 'run:planning', run_status: 'planning' };
  t.match(parseTerraformNotification(planning), { ok: true, event: { state: 'PLANNING', runStatus: 'planning' } });
  const noMessage = loadRun('run-completed');
  noMessage.run_message = null;
  t.match(parseTerraformNotification(noMessage), { ok: true, event: { runMessage: '', triggeredByCascade: false } });
});

t.test('a verification ping and workspace notifications are not run events', async (t) => {
  t.same(parseTerraformNotification(load('verification')), { ok: true, event: null });
  t.same(parseTerraformNotification(load('assessment-drifted')), { ok: true, event: null });
  const other = loadRun('run-completed');
  other.notifications[0].trigger = 'assessment:check_failure';
  t.same(parseTerraformNotification(other), { ok: true, event: null });
});

t.test('bad fields are named, with the value found', async (t) => {
  const cases: [string, (p: unknown) => void, string, string][] = [
    [
      'payload_version',
      (p) => setAt(p, '/payload_version', 3),
      'payload_version',
      'payload_version must be 1 (run notification) or 2 (workspace notification), got 3',
    ],
    ['missing payload_version', (p) => deleteAt(p, '/payload_version'), 'payload_version', 'payload_version is required'],
    ['run_id type', (p) => setAt(p, '/run_id', 42), 'run_id', 'run_id must be string, got 42'],
    [
      'workspace name',
      (p) => setAt(p, '/workspace_name', 'my workspace'),
      'workspace_name',
      'workspace_name must match pattern "^[A-Za-z0-9_-]+$", got "my workspace"',
    ],
    ['missing notifications', (p) => deleteAt(p, '/notifications'), 'notifications', 'notifications is required'],
    [
      'empty notifications',
      (p) => setAt(p, '/notifications', []),
      'notifications',
      'notifications must NOT have fewer than 1 items, got an array of 0',
    ],
    [
      'trigger type',
      (p) => setAt(p, '/notifications/0/trigger', 7),
      'notifications.0.trigger',
      'notifications.0.trigger must be string, got 7',
    ],
    [
      'run_status case',
      (p) => setAt(p, '/notifications/0/run_status', 'Applied'),
      'notifications.0.run_status',
      'notifications.0.run_status must match pattern "^[a-z][a-z_]*$", got "Applied"',
    ],
    [
      'null run_id on a run trigger',
      (p) => setAt(p, '/run_id', null),
      'run_id',
      'run_id is required for a run:completed notification, got null',
    ],
    [
      'null workspace',
      (p) => setAt(p, '/workspace_name', null),
      'workspace_name',
      'workspace_name is required for a run:completed notification, got null',
    ],
    [
      'null organization',
      (p) => setAt(p, '/organization_name', null),
      'organization_name',
      'organization_name is required for a run:completed notification, got null',
    ],
    [
      'null run_status',
      (p) => setAt(p, '/notifications/0/run_status', null),
      'notifications.0.run_status',
      'notifications.0.run_status is required for a run:completed notification, got null',
    ],
  ];
  for (const [name, mutate, field, reason] of cases) {
    const payload = load('run-completed');
    mutate(payload);
    t.same(parseTerraformNotification(payload), { ok: false, field, reason }, name);
  }
  t.same(parseTerraformNotification('{}'), { ok: false, field: 'payload', reason: 'payload must be object, got "{}"' });
  t.same(parseTerraformNotification({ payload_version: '2' }), { ok: false, field: 'trigger', reason: 'trigger is required' });
});
