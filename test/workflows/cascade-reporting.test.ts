// CascadeWorkflow's notifications and audit trail on the time-skipping server: approval_needed then completed at
// a receiver that verifies the signature; a receiver answering 500 never fails the cascade; the audit log holds
// every decision as one JSON line, also after a cancellation.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { createAuditLog } from '../../src/audit/audit-log';
import { createNotifier } from '../../src/notify/notifier';
import { approveSignal, cascadeStatusQuery } from '../../src/workflows/cascade-types';
import { waitForStatus } from '../support/cascade-status';
import { withWorker } from '../support/harness';
import { startNotifyReceiver } from '../support/notify-receiver';
import { SMTP_TEST_CERT, startSmtpReceiver } from '../support/smtp-receiver';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { createTimeSkippingEnv } from '../support/temporal';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const SECRET = 'reporting-test-secret';
const FINISHED = { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 0 } };
const HOUR = 3600_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const auditLogIn = () =>
  createAuditLog({ path: join(mkdtempSync(join(tmpdir(), 'cascade-audit-')), 'audit.jsonl'), maxBytes: 10_485_760, keep: 5 });
const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
/** Everything but the timestamp, which is workflow time and checked separately. */
const withoutTime = (entries: readonly Record<string, unknown>[]) => entries.map(({ at: _at, ...rest }) => rest);

t.test('an approval-gated cascade notifies approval_needed, then completed; every decision is audited', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc'] },
      { id: 'prod', labels: ['dependsOn:eks', 'cascade:approval'] },
      { id: 'dns', labels: ['dependsOn:vpc|state:FAILED'] },
      { id: 'loop-a', labels: ['dependsOn:vpc,loop-b'] },
      { id: 'loop-b', labels: ['dependsOn:loop-a'] },
    ],
    { defaultRunOutcome: FINISHED },
  );
  t.teardown(() => stopSpacelift(sl));
  const receiver = await startNotifyReceiver({ secret: SECRET });
  t.teardown(() => receiver.close());
  const auditLog = auditLogIn();
  const notifier = createNotifier({
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
    events: ['completed', 'failed', 'approval_needed', 'timed_out'],
  });

  const status = await withWorker(
    env,
    sl.client,
    async ({ startCascade }) => {
      // eks's run is polled after 0.5 s of real time: without result(), time does not skip, so the gate cannot
      // time out while prod waits for its approval.
      const handle = await startCascade({ stack_id: 'vpc', run_id: 'R0', options: { pollInitialMs: 500 } }, 'cascade-vpc-R0');
      await receiver.waitFor(1);
      t.equal(sl.fake.triggerCount('prod'), 0, 'nothing ran before the approval');
      await handle.signal(approveSignal, { stackId: 'prod', by: 'jane' });
      return await handle.result();
    },
    { notifier, auditLog },
  );

  t.same(
    receiver.received.map((r) => [r.body.event, r.body.stackId, r.signature]),
    [
      ['approval_needed', 'prod', 'valid'],
      ['completed', null, 'valid'],
    ],
  );
  t.match(receiver.received[0]?.body, {
    id: 'cascade-vpc-R0/approval_needed/prod',
    cascadeId: 'cascade-vpc-R0',
    root: 'vpc',
    rootRunId: 'R0',
    summary: 'cascade-vpc-R0: stack prod waits for approval (spacelift-cascade approve cascade-vpc-R0 prod)',
  });
  t.equal(receiver.received[1]?.body.summary, 'cascade-vpc-R0 from vpc completed: 2 finished, 3 skipped');
  t.same(
    status.notifications.map(({ event, channel, delivered }) => [event, channel, delivered]),
    [
      ['approval_needed', 'webhook', true],
      ['completed', 'webhook', true],
    ],
  );

  const runOf = (id: string) => status.stacks.find((s) => s.id === id)?.runId;
  const expected = [
    { stackId: 'loop-a', decision: 'skipped', reason: 'on cycle loop-a → loop-b → loop-a' },
    { stackId: 'loop-b', decision: 'skipped', reason: 'on cycle loop-a → loop-b → loop-a' },
    { stackId: 'dns', decision: 'skipped', reason: 'upstream vpc FINISHED' },
    { stackId: 'eks', decision: 'triggered', runId: runOf('eks') },
    { stackId: 'eks', decision: 'finished', runId: runOf('eks') },
    { stackId: 'prod', decision: 'approved', by: 'jane' },
    { stackId: 'prod', decision: 'triggered', runId: runOf('prod') },
    { stackId: 'prod', decision: 'finished', runId: runOf('prod') },
  ];
  t.same(withoutTime(status.decisions as unknown as Record<string, unknown>[]), expected, 'the status holds every decision in order');
  const lines = readLines(auditLog.path);
  t.same(
    withoutTime(lines),
    expected.map((d) => ({ cascadeId: 'cascade-vpc-R0', root: 'vpc', rootRunId: 'R0', ...d })),
    'one audit line per decision',
  );
  t.same(
    lines.map((l) => l.at),
    status.decisions.map((d) => d.at),
  );
  t.ok(
    lines.every((l) => ISO.test(String(l.at))),
    'workflow time, ISO 8601',
  );
  t.same(Object.keys(lines[5] ?? {}), ['at', 'cascadeId', 'root', 'rootRunId', 'stackId', 'decision', 'by']);
});

t.test('a receiver answering 500 never fails the cascade: three attempts per event, recorded as not delivered', async (t) => {
  // eks's run never ends: it times out after 1 h (simulated), so the cascade reports timed_out, then failed.
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'app', labels: ['dependsOn:eks'] }]);
  t.teardown(() => stopSpacelift(sl));
  const receiver = await startNotifyReceiver({ secret: SECRET, alwaysAnswer: 500 });
  t.teardown(() => receiver.close());
  const notifier = createNotifier({ webhookUrl: receiver.url, webhookSecret: SECRET, events: ['failed', 'timed_out'] });

  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'vpc', options: { runTimeoutMs: HOUR } }), {
    notifier,
  });

  t.equal(status.done, true, 'the cascade completed');
  t.match(
    status.stacks.find((s) => s.id === 'eks'),
    { state: 'failed', runState: 'TIMED_OUT' },
  );
  t.same(
    receiver.received.map((r) => r.body.event),
    ['timed_out', 'timed_out', 'timed_out', 'failed', 'failed', 'failed'],
  );
  t.ok(receiver.received.every((r) => r.signature === 'valid'));
  t.same(
    status.notifications.map(({ event, stackId, delivered, error }) => ({ event, stackId, delivered, error })),
    [
      { event: 'timed_out', stackId: 'eks', delivered: false, error: 'webhook notification not delivered: HTTP 500 (receiver says no)' },
      { event: 'failed', stackId: undefined, delivered: false, error: 'webhook notification not delivered: HTTP 500 (receiver says no)' },
    ],
  );
  t.same(
    withoutTime(status.decisions as unknown as Record<string, unknown>[]).map((d) => [d.stackId, d.decision, d.reason]),
    [
      ['eks', 'triggered', undefined],
      ['eks', 'failed', 'run timed out; it is still QUEUED in Spacelift and was not cancelled'],
      ['app', 'skipped', 'upstream eks TIMED_OUT'],
    ],
  );
});

t.test('email goes out next to the webhook; an SMTP server that rejects the login never fails the cascade', async (t) => {
  const sl = await startSpacelift([{ id: 'em-vpc' }, { id: 'em-eks', labels: ['dependsOn:em-vpc'] }], { defaultRunOutcome: FINISHED });
  t.teardown(() => stopSpacelift(sl));
  const smtp = await startSmtpReceiver({ users: { cascade: 'smtp-password-1' } });
  t.teardown(() => smtp.close());
  const receiver = await startNotifyReceiver({ secret: SECRET });
  t.teardown(() => receiver.close());
  const email = (password: string) => ({
    smtpUrl: `smtp://cascade:${password}@localhost:${smtp.port}`,
    host: 'localhost',
    port: smtp.port,
    secure: false,
    starttls: 'required' as const,
    user: 'cascade',
    password,
    from: 'cascade@example.com',
    to: ['ops@example.com'],
  });
  const notifierWith = (password: string) =>
    createNotifier(
      { webhookUrl: receiver.url, webhookSecret: SECRET, email: email(password), events: ['completed'] },
      { smtpTls: { ca: SMTP_TEST_CERT } },
    );

  const delivered = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'em-vpc' }), {
    notifier: notifierWith('smtp-password-1'),
  });
  t.same(delivered.notifications.map(({ event, channel, delivered }) => [event, channel, delivered]).sort(), [
    ['completed', 'email', true],
    ['completed', 'webhook', true],
  ]);
  t.match((await smtp.waitFor(1))[0]?.raw, /^Subject: cascade-.* from em-vpc completed: 1 finished/m);

  const refused = await withWorker(env, sl.client, ({ runCascade }) => runCascade({ stack_id: 'em-vpc' }), {
    notifier: notifierWith('wrong-password-2'),
  });
  t.equal(refused.done, true, 'the cascade completed');
  t.same(
    refused.notifications
      .map(({ event, channel, delivered, error }) => ({ event, channel, delivered, error }))
      .sort((a, b) => a.channel.localeCompare(b.channel)),
    [
      {
        event: 'completed',
        channel: 'email',
        delivered: false,
        error: 'email notification not delivered: EAUTH 535 (535 Authentication failed)',
      },
      { event: 'completed', channel: 'webhook', delivered: true, error: undefined },
    ],
  );
  t.equal(smtp.logins.filter((l) => l.password === 'wrong-password-2').length, 1, 'a rejected login is not retried');
  t.notMatch(JSON.stringify(refused), /password/, 'the password is nowhere in the status');
});

// Last in this file: cancelling leaves the test server's time-skipping lock in doubt (see cascade-cancel.test.ts).
t.test('cancelling a cascade audits every stack it cancels', async (t) => {
  const sl = await startSpacelift([
    { id: 'vpc' },
    { id: 'prod', labels: ['dependsOn:vpc', 'cascade:approval'] },
    { id: 'app', labels: ['dependsOn:prod'] },
  ]);
  t.teardown(() => stopSpacelift(sl));
  const auditLog = auditLogIn();
  const status = await withWorker(
    env,
    sl.client,
    async ({ startCascade }) => {
      const handle = await startCascade({ stack_id: 'vpc' });
      await waitForStatus(handle, (s) => s.stacks.some((x) => x.state === 'waiting_for_approval'));
      await handle.cancel();
      t.type(await handle.result().catch((e: unknown) => e), WorkflowFailedError);
      return handle.query(cascadeStatusQuery);
    },
    { auditLog },
  );
  const expected = [
    { stackId: 'prod', decision: 'cancelled', reason: 'cascade cancelled' },
    { stackId: 'app', decision: 'cancelled', reason: 'cascade cancelled' },
  ];
  t.same(withoutTime(status.decisions as unknown as Record<string, unknown>[]), expected);
  t.same(
    withoutTime(readLines(auditLog.path)).map(({ stackId, decision, reason }) => ({ stackId, decision, reason })),
    expected,
  );
});
