// Email notifications against a real SMTP server in-process (smtp-server): STARTTLS by default, login, the message
// itself, and how failures are reported: retryable or not, and never with the SMTP URL, the user or the password.
import t from 'tap';
import { createNotifier, NotifyDeliveryError } from '../../src/notify/notifier';
import { buildEmail } from '../../src/notify/email';
import type { NotifyInput } from '../../src/notify/types';
import { loadConfig } from '../../src/config/load-config';
import type { NotifyConfig } from '../../src/config/types';
import { SMTP_TEST_CERT, startSmtpReceiver } from '../support/smtp-receiver';

const PASSWORD = 'smtp-pass-7f3a9c';
const input: NotifyInput = {
  channel: 'email',
  event: 'failed',
  cascadeId: 'cascade-vpc-R1',
  root: 'vpc',
  rootRunId: 'R1',
  summary: 'cascade-vpc-R1 from vpc failed: 1 finished, 1 failed (eks: run FAILED), 1 skipped',
  at: '2026-01-05T10:00:00.000Z',
  stacks: [
    { id: 'rds', state: 'finished', runId: 'R3' },
    { id: 'eks', state: 'failed', reason: 'run FAILED', runId: 'R2' },
    { id: 'app', state: 'skipped', reason: 'upstream eks FAILED' },
  ],
};

/** The notify configuration exactly as loadConfig builds it from these variables. */
function notifyConfig(env: Record<string, string>): NotifyConfig {
  return loadConfig({
    env: { NOTIFY_EMAIL_FROM: 'Cascade <cascade@example.com>', NOTIFY_EMAIL_TO: 'ops@example.com, dev@example.com', ...env },
    role: 'status',
  }).notify as NotifyConfig;
}
const trustTestCert = { smtpTls: { ca: SMTP_TEST_CERT } };

t.test('the message: summary as subject, failed stacks first, stable Message-ID per delivery', async (t) => {
  const mail = buildEmail(input);
  t.equal(mail.subject, input.summary);
  t.equal(
    mail.text,
    [
      input.summary,
      '',
      'event:   failed',
      'cascade: cascade-vpc-R1',
      'root:    vpc (run R1)',
      'at:      2026-01-05T10:00:00.000Z',
      '',
      'stacks:',
      '  eks: failed (run FAILED), run R2',
      '  app: skipped (upstream eks FAILED)',
      '  rds: finished, run R3',
      '',
      'spacelift-cascade status cascade-vpc-R1',
      '',
    ].join('\n'),
  );
  t.same(mail.headers, { 'X-Spacelift-Cascade-Event': 'failed', 'X-Spacelift-Cascade-Delivery': 'cascade-vpc-R1/failed' });
  t.match(mail.messageId, /^<[0-9a-f]{32}@spacelift-cascade>$/);
  t.equal(buildEmail({ ...input }).messageId, mail.messageId, 'a retry sends the same Message-ID');
  t.not(buildEmail({ ...input, event: 'completed' }).messageId, mail.messageId);
  t.equal(buildEmail({ ...input, summary: 'x'.repeat(500) }).subject.length, 180, 'long subjects are cut');
});

t.test('delivered over STARTTLS with login, to every recipient, with the delivery headers', async (t) => {
  const smtp = await startSmtpReceiver({ users: { cascade: PASSWORD } });
  t.teardown(() => smtp.close());
  const notifier = createNotifier(notifyConfig({ NOTIFY_SMTP_URL: `smtp://cascade:${PASSWORD}@localhost:${smtp.port}` }), trustTestCert);
  t.same(await notifier.send(input), { channel: 'email', sent: true, status: 250 });
  const [mail] = await smtp.waitFor(1);
  t.equal(mail?.secure, true, 'the session was upgraded with STARTTLS before anything was sent');
  t.equal(mail?.user, 'cascade');
  t.equal(mail?.from, 'cascade@example.com');
  t.same(mail?.to, ['ops@example.com', 'dev@example.com']);
  t.match(mail?.raw, /^Subject: cascade-vpc-R1 from vpc failed/m);
  t.match(mail?.raw, /^From: Cascade <cascade@example\.com>$/m);
  t.match(mail?.raw, /^X-Spacelift-Cascade-Delivery: cascade-vpc-R1\/failed$/m);
  t.match(mail?.raw, /^Message-ID: <[0-9a-f]{32}@spacelift-cascade>$/m);
  // quoted-printable: soft line breaks out, CRLF to LF.
  const body = (mail?.raw ?? '').replace(/=\r\n/g, '').replace(/\r\n/g, '\n').split('\n\n').slice(1).join('\n\n');
  t.equal(body, buildEmail(input).text, 'the body arrived as built');
});

t.test('smtps:// is TLS from the first byte', async (t) => {
  const smtp = await startSmtpReceiver({ secure: true });
  t.teardown(() => smtp.close());
  const notifier = createNotifier(notifyConfig({ NOTIFY_SMTP_URL: `smtps://localhost:${smtp.port}` }), trustTestCert);
  t.match(await notifier.send(input), { sent: true });
  t.equal((await smtp.waitFor(1))[0]?.secure, true);
});

t.test('STARTTLS is required by default: a server without it gets nothing; ?starttls=optional sends in the clear', async (t) => {
  const smtp = await startSmtpReceiver({ noStartTls: true, users: { cascade: PASSWORD } });
  t.teardown(() => smtp.close());
  const strict = createNotifier(notifyConfig({ NOTIFY_SMTP_URL: `smtp://cascade:${PASSWORD}@localhost:${smtp.port}` }), trustTestCert);
  const err = (await strict.send(input).catch((e: unknown) => e)) as NotifyDeliveryError;
  t.type(err, NotifyDeliveryError);
  t.match(err, { retryable: false });
  t.match(err.message, /^email notification not delivered: .*STARTTLS/);
  t.same(smtp.logins, [], 'no password went out over the plain connection');
  t.equal(smtp.received.length, 0);

  const optional = createNotifier(
    notifyConfig({ NOTIFY_SMTP_URL: `smtp://cascade:${PASSWORD}@localhost:${smtp.port}/?starttls=optional` }),
    trustTestCert,
  );
  t.match(await optional.send(input), { sent: true });
  t.equal((await smtp.waitFor(1))[0]?.secure, false);
});

t.test('failures: a rejected login and 5xx are final, 4xx and a closed port are retryable; no secret in any message', async (t) => {
  const smtp = await startSmtpReceiver({ users: { cascade: PASSWORD } });
  t.teardown(() => smtp.close());
  const wrongPassword = createNotifier(
    notifyConfig({ NOTIFY_SMTP_URL: `smtp://cascade:not-${PASSWORD}@localhost:${smtp.port}` }),
    trustTestCert,
  );
  const auth = (await wrongPassword.send(input).catch((e: unknown) => e)) as NotifyDeliveryError;
  t.match(auth, { message: /^email notification not delivered: EAUTH 535/, retryable: false, status: 535 });

  const notifier = createNotifier(notifyConfig({ NOTIFY_SMTP_URL: `smtp://cascade:${PASSWORD}@localhost:${smtp.port}` }), trustTestCert);
  smtp.failNext({ code: 451, text: 'try again later' }, { code: 554, text: `rejected for cascade:${PASSWORD}` });
  const temporary = (await notifier.send(input).catch((e: unknown) => e)) as NotifyDeliveryError;
  t.match(temporary, { message: /451 .*try again later/, retryable: true, status: 451 });
  const permanent = (await notifier.send(input).catch((e: unknown) => e)) as NotifyDeliveryError;
  t.match(permanent, { message: /554 .*rejected for/, retryable: false, status: 554 });

  const closed = createNotifier(notifyConfig({ NOTIFY_SMTP_URL: `smtp://cascade:${PASSWORD}@127.0.0.1:9` }), trustTestCert);
  const refused = (await closed.send(input).catch((e: unknown) => e)) as NotifyDeliveryError;
  t.match(refused, { message: /^email notification not delivered: (ECONNECTION|ESOCKET)/, retryable: true });

  for (const err of [auth, temporary, permanent, refused]) {
    t.notMatch(err.message, PASSWORD, `no password in: ${err.message}`);
    t.notMatch(err.message, /smtp:\/\//, 'no URL');
  }
});

t.test('a server that never answers is given up on after the timeout', async (t) => {
  const { createServer } = await import('node:net');
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  const notifier = createNotifier(notifyConfig({ NOTIFY_SMTP_URL: `smtp://127.0.0.1:${port}` }), { ...trustTestCert, timeoutMs: 300 });
  const err = await notifier.send(input).catch((e: unknown) => e);
  t.match(err, { message: 'email notification not delivered: no answer within 300 ms', retryable: true });
});

t.test('not configured, or the event not selected: nothing is sent', async (t) => {
  t.same(await createNotifier({ events: ['failed'] }).send(input), { channel: 'email', sent: false, reason: 'channel not configured' });
  const smtp = await startSmtpReceiver();
  t.teardown(() => smtp.close());
  const notifier = createNotifier(
    notifyConfig({ NOTIFY_SMTP_URL: `smtp://localhost:${smtp.port}`, NOTIFY_EVENTS: 'completed' }),
    trustTestCert,
  );
  t.same(await notifier.send(input), { channel: 'email', sent: false, reason: 'event not selected' });
  t.equal(smtp.received.length, 0);
});
