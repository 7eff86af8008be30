// NOTIFY_* and AUDIT_LOG_* settings: defaults, validation with exact messages, secrets kept out of messages and
// handed to the logger's scrubber.
import t from 'tap';
import { ConfigError, configSecrets, loadConfig, type Env } from '../../src/config';
import { parseCommandLine } from '../../src/cli/parse-command-line';

const BASE: Env = {
  SPACELIFT_API_ENDPOINT: 'https://acme.app.spacelift.io',
  SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000',
  SPACELIFT_API_KEY_SECRET: 'sl-secret-value-1234',
};
const SLACK = 'https://hooks.slack.com/services/T0000/B0000/slack-secret-path-xyz';
const load = (env: Env) => loadConfig({ env: { ...BASE, ...env }, role: 'worker' });

function rejects(t: tap.Test, env: Env, message: string) {
  const err = t.throws(() => load(env));
  t.type(err, ConfigError);
  t.equal((err as Error).message, message);
}

t.test('defaults: no notification channel, every event, no audit log, 10 MiB × 5', async (t) => {
  const config = load({});
  t.same(config.notify, { events: ['completed', 'failed', 'approval_needed', 'timed_out'] });
  t.same(config.audit, { maxBytes: 10_485_760, keep: 5 });
});

t.test('a full setup; event names are case-insensitive; the secrets reach the log scrubber', async (t) => {
  const config = load({
    NOTIFY_SLACK_WEBHOOK_URL: SLACK,
    NOTIFY_WEBHOOK_URL: 'https://ops.example.com/hooks/cascade',
    NOTIFY_WEBHOOK_SECRET: 'notify-signing-secret',
    NOTIFY_EVENTS: 'Failed, approval_needed,failed',
    AUDIT_LOG_PATH: '/var/log/spacelift-cascade/audit.jsonl',
    AUDIT_LOG_MAX_BYTES: '2048',
    AUDIT_LOG_KEEP: '3',
  });
  t.same(config.notify, {
    slackWebhookUrl: SLACK,
    webhookUrl: 'https://ops.example.com/hooks/cascade',
    webhookSecret: 'notify-signing-secret',
    events: ['failed', 'approval_needed'],
  });
  t.same(config.audit, { path: '/var/log/spacelift-cascade/audit.jsonl', maxBytes: 2048, keep: 3 });
  t.ok(configSecrets(config).includes(SLACK));
  t.ok(configSecrets(config).includes('notify-signing-secret'));
});

t.test('validation: exact reasons, secrets never quoted', async (t) => {
  rejects(
    t,
    { NOTIFY_SLACK_WEBHOOK_URL: 'hooks.slack.com/services/secret-part' },
    'NOTIFY_SLACK_WEBHOOK_URL must be an http(s) URL without user:password',
  );
  rejects(
    t,
    { NOTIFY_WEBHOOK_URL: 'ftp://x', NOTIFY_WEBHOOK_SECRET: 's3cret' },
    "NOTIFY_WEBHOOK_URL must be an http(s) URL without user:password, got 'ftp://x'",
  );
  rejects(
    t,
    { NOTIFY_WEBHOOK_URL: 'https://u:p@x.example.com', NOTIFY_WEBHOOK_SECRET: 's3cret' },
    "NOTIFY_WEBHOOK_URL must be an http(s) URL without user:password, got 'https://u:p@x.example.com'",
  );
  rejects(t, { NOTIFY_WEBHOOK_URL: 'https://x.example.com/hook' }, 'NOTIFY_WEBHOOK_URL needs NOTIFY_WEBHOOK_SECRET to sign its requests');
  rejects(t, { NOTIFY_WEBHOOK_SECRET: 'orphan-secret' }, 'NOTIFY_WEBHOOK_SECRET is set but NOTIFY_WEBHOOK_URL is not');
  rejects(
    t,
    { NOTIFY_EVENTS: 'completed,finished' },
    "NOTIFY_EVENTS contains unknown event 'finished' (known: completed, failed, approval_needed, timed_out)",
  );
  rejects(t, { NOTIFY_EVENTS: ' , ' }, "NOTIFY_EVENTS must list at least one event, got ' , '");
  rejects(t, { AUDIT_LOG_PATH: 'audit.jsonl' }, "AUDIT_LOG_PATH must be an absolute file path, got 'audit.jsonl'");
  rejects(t, { AUDIT_LOG_PATH: '/var/log/' }, "AUDIT_LOG_PATH must be an absolute file path, got '/var/log/'");
  rejects(t, { AUDIT_LOG_MAX_BYTES: '100' }, "AUDIT_LOG_MAX_BYTES must be an integer from 1024 to 1073741824, got '100'");
  rejects(t, { AUDIT_LOG_KEEP: '0' }, "AUDIT_LOG_KEEP must be an integer from 1 to 100, got '0'");
});

t.test('email: the SMTP URL parsed (STARTTLS required by default), sender and recipients checked, secrets scrubbed', async (t) => {
  const url = 'smtp://cascade%40example.com:p%40ss-9f2@mail.example.com';
  const config = load({
    NOTIFY_SMTP_URL: url,
    NOTIFY_EMAIL_FROM: 'Cascade <cascade@example.com>',
    NOTIFY_EMAIL_TO: 'ops@example.com, Dev Team <dev@example.com>,ops@example.com',
  });
  t.same(config.notify?.email, {
    smtpUrl: url,
    host: 'mail.example.com',
    port: 587,
    secure: false,
    starttls: 'required',
    user: 'cascade@example.com',
    password: 'p@ss-9f2',
    from: 'Cascade <cascade@example.com>',
    to: ['ops@example.com', 'Dev Team <dev@example.com>'],
  });
  t.ok(
    configSecrets(config).includes(url) && configSecrets(config).includes('p@ss-9f2'),
    'the URL and the password reach the log scrubber',
  );
  const tls = load({ NOTIFY_SMTP_URL: 'smtps://[::1]', NOTIFY_EMAIL_FROM: 'a@example.com', NOTIFY_EMAIL_TO: 'b@example.com' }).notify
    ?.email;
  t.match(tls, { host: '::1', port: 465, secure: true });
  t.notOk('user' in (tls ?? {}), 'no login without a user');
  t.match(
    load({
      NOTIFY_SMTP_URL: 'smtp://relay.internal:25/?starttls=optional',
      NOTIFY_EMAIL_FROM: 'a@example.com',
      NOTIFY_EMAIL_TO: 'b@example.com',
    }).notify?.email,
    { port: 25, starttls: 'optional' },
  );

  const mail = { NOTIFY_EMAIL_FROM: 'a@example.com', NOTIFY_EMAIL_TO: 'b@example.com' };
  rejects(
    t,
    { ...mail, NOTIFY_SMTP_URL: 'secret-pw@mail.example.com' },
    'NOTIFY_SMTP_URL must be a URL like smtp://user:password@host:587 or smtps://host:465',
  );
  rejects(t, { ...mail, NOTIFY_SMTP_URL: 'user:secret-pw@mail.example.com' }, 'NOTIFY_SMTP_URL must start with smtp:// or smtps://');
  rejects(t, { ...mail, NOTIFY_SMTP_URL: 'https://u:secret-pw@mail.example.com' }, 'NOTIFY_SMTP_URL must start with smtp:// or smtps://');
  rejects(
    t,
    { ...mail, NOTIFY_SMTP_URL: 'smtp://u:secret-pw@mail.example.com/?starttls=no' },
    "NOTIFY_SMTP_URL ?starttls must be required or optional, got 'no'",
  );
  rejects(
    t,
    { ...mail, NOTIFY_SMTP_URL: 'smtp://u:secret-pw@mail.example.com/?secure=false' },
    'NOTIFY_SMTP_URL has unknown parameter secure (known: starttls)',
  );
  rejects(t, { ...mail, NOTIFY_SMTP_URL: 'smtp://:secret-pw@mail.example.com' }, 'NOTIFY_SMTP_URL has a password but no user');
  rejects(t, { NOTIFY_EMAIL_TO: 'b@example.com' }, 'NOTIFY_EMAIL_TO is set but NOTIFY_SMTP_URL is not');
  rejects(
    t,
    { NOTIFY_SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_TO: 'b@example.com' },
    'NOTIFY_SMTP_URL needs NOTIFY_EMAIL_FROM, the sender of notification emails',
  );
  rejects(
    t,
    { NOTIFY_SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_FROM: 'a@example.com' },
    'NOTIFY_SMTP_URL needs NOTIFY_EMAIL_TO, the recipients of notification emails',
  );
  rejects(
    t,
    { NOTIFY_SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_FROM: 'a@example.com', NOTIFY_EMAIL_TO: 'ops, b@example.com' },
    "NOTIFY_EMAIL_TO must hold email addresses (name@example.com or Name <name@example.com>), got 'ops'",
  );
  rejects(
    t,
    { NOTIFY_SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_FROM: 'Cascade <cascade>', NOTIFY_EMAIL_TO: 'b@example.com' },
    "NOTIFY_EMAIL_FROM must hold email addresses (name@example.com or Name <name@example.com>), got 'Cascade <cascade>'",
  );
  rejects(
    t,
    { NOTIFY_SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_FROM: 'a@example.com', NOTIFY_EMAIL_TO: ' , ' },
    "NOTIFY_EMAIL_TO must list at least one address, got ' , '",
  );
});

t.test('serve and worker take the non-secret ones as flags; the secrets have none', async (t) => {
  const parsed = parseCommandLine(['worker', '--notify-events', 'failed', '--audit-log-path', '/tmp/a.jsonl', '--audit-log-keep', '2']);
  t.same(parsed.configFlags, { NOTIFY_EVENTS: 'failed', AUDIT_LOG_PATH: '/tmp/a.jsonl', AUDIT_LOG_KEEP: '2' });
  t.throws(() => parseCommandLine(['serve', '--notify-webhook-secret', 'x']), { message: /unknown option --notify-webhook-secret/ });
});
