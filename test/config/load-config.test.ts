import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  configSecrets,
  loadConfig,
  loadGeneralConfig,
  type ConfigRole,
  type Env,
  type LoadConfigFlags,
} from '../../src/config';

const SPACELIFT = {
  SPACELIFT_API_ENDPOINT: 'https://acme.app.spacelift.io',
  SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000',
  SPACELIFT_API_KEY_SECRET: 'sl-secret-value-1234',
};
const WEBHOOK = { SPACELIFT_WEBHOOK_SECRET: 'hook-secret-abcdef' };
const FULL = { ...SPACELIFT, ...WEBHOOK };

const load = (env: Env, role: ConfigRole = 'serve', flags: LoadConfigFlags = {}) => loadConfig({ env, flags, role });

function rejects(t: tap.Test, env: Env, message: string, role: ConfigRole = 'serve', flags: LoadConfigFlags = {}) {
  const err = t.throws(() => load(env, role, flags), message);
  t.type(err, ConfigError);
  t.equal((err as Error).message, message);
}

const tmp = mkdtempSync(join(tmpdir(), 'cascade-config-'));
const file = (name: string, contents: string): string => {
  const path = join(tmp, name);
  writeFileSync(path, contents);
  return path;
};

t.test('defaults', async (t) => {
  const config = load(FULL);
  t.same(config.temporal, { address: 'temporal:7233', namespace: 'default', taskQueue: 'spacelift-task-queue' });
  t.same(config.spacelift, {
    endpoint: 'https://acme.app.spacelift.io',
    apiKeyId: '01HZZZEXAMPLEKEY0000000000',
    apiKeySecret: 'sl-secret-value-1234',
    discovery: 'scan',
    requestTimeoutMs: 10000,
  });
  t.same(config.webhook, {
    host: '0.0.0.0',
    port: 8080,
    secrets: ['hook-secret-abcdef'],
    terraformSecrets: [],
    insecureSkipSignature: false,
    maxBodyBytes: 1048576,
    triggerStates: ['FINISHED'],
    runTypes: ['TRACKED'],
  });
  t.equal(config.logLevel, 'info');
  t.equal(config.shutdownGraceMs, 20000);
});

t.test('value messages', async (t) => {
  rejects(t, { ...FULL, TEMPORAL_URL: 'temporal' }, "TEMPORAL_URL must be host:port, got 'temporal'");
  rejects(t, { ...FULL, TEMPORAL_URL: 'http://temporal:7233' }, "TEMPORAL_URL must be host:port, got 'http://temporal:7233'");
  rejects(t, { ...FULL, TEMPORAL_URL: 'temporal:70000' }, "TEMPORAL_URL must be host:port, got 'temporal:70000'");
  rejects(t, { ...FULL, WEBHOOK_PORT: '80a' }, "WEBHOOK_PORT must be an integer from 1 to 65535, got '80a'");
  rejects(t, { ...FULL, WEBHOOK_PORT: '0' }, "WEBHOOK_PORT must be an integer from 1 to 65535, got '0'");
  rejects(t, { ...FULL, WEBHOOK_MAX_BODY_BYTES: '-1' }, "WEBHOOK_MAX_BODY_BYTES must be an integer from 1 to 104857600, got '-1'");
  rejects(t, { ...FULL, SHUTDOWN_GRACE_MS: '1.5' }, "SHUTDOWN_GRACE_MS must be an integer from 0 to 600000, got '1.5'");
  rejects(
    t,
    { ...FULL, SPACELIFT_REQUEST_TIMEOUT_MS: 'soon' },
    "SPACELIFT_REQUEST_TIMEOUT_MS must be an integer from 1 to 300000, got 'soon'",
  );
  rejects(t, { ...FULL, TEMPORAL_TLS: 'yes' }, "TEMPORAL_TLS must be true or false, got 'yes'");
  rejects(t, { ...FULL, LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of debug, info, warn, error, got 'verbose'");
  rejects(t, { ...FULL, SPACELIFT_DISCOVERY: 'all' }, "SPACELIFT_DISCOVERY must be one of scan, label, got 'all'");
  rejects(
    t,
    { ...FULL, SPACELIFT_API_ENDPOINT: 'acme.app.spacelift.io' },
    "SPACELIFT_API_ENDPOINT must be an http(s) URL, got 'acme.app.spacelift.io'",
  );
  rejects(t, { ...FULL, SPACELIFT_API_ENDPOINT: 'ftp://acme' }, "SPACELIFT_API_ENDPOINT must be an http(s) URL, got 'ftp://acme'");
  rejects(t, { ...FULL, TEMPORAL_NAMESPACE: 'my ns' }, "TEMPORAL_NAMESPACE must be a non-empty name without spaces, got 'my ns'");
  rejects(
    t,
    { ...FULL, CASCADE_TRIGGER_STATES: 'FINISHED,FINSHED' },
    "CASCADE_TRIGGER_STATES contains unknown run state 'FINSHED' (known: QUEUED, READY, PREPARING, INITIALIZING, PLANNING, UNCONFIRMED, CONFIRMED, PREPARING_APPLY, APPLYING, PERFORMING, DESTROYING, REPLAN_REQUESTED, PREPARING_REPLAN, PENDING_REVIEW, PENDING, FINISHED, FAILED, DISCARDED, STOPPED, CANCELED, SKIPPED)",
  );
  rejects(t, { ...FULL, CASCADE_TRIGGER_STATES: ' , ' }, "CASCADE_TRIGGER_STATES must list at least one run state, got ' , '");
  rejects(
    t,
    { ...FULL, CASCADE_RUN_TYPES: 'TRACKED;TASK' },
    "CASCADE_RUN_TYPES must be a comma-separated list of run types, got 'TRACKED;TASK'",
  );
});

t.test('parsed values', async (t) => {
  const config = load({
    ...FULL,
    TEMPORAL_URL: '[::1]:7233',
    SPACELIFT_API_ENDPOINT: 'https://acme.app.spacelift.io/graphql/',
    CASCADE_TRIGGER_STATES: 'finished, FAILED,finished',
    CASCADE_RUN_TYPES: 'tracked,task',
    LOG_LEVEL: 'DEBUG',
    SPACELIFT_DISCOVERY: 'label',
  });
  t.equal(config.temporal.address, '[::1]:7233');
  t.equal(config.spacelift?.endpoint, 'https://acme.app.spacelift.io');
  t.equal(config.spacelift?.discovery, 'label');
  t.same(config.webhook.triggerStates, ['FINISHED', 'FAILED']);
  t.same(config.webhook.runTypes, ['TRACKED', 'TASK']);
  t.equal(config.logLevel, 'debug');
  t.equal(load({ ...FULL, SPACELIFT_API_ENDPOINT: 'http://127.0.0.1:9999/' }).spacelift?.endpoint, 'http://127.0.0.1:9999');
});

t.test('Spacelift credentials: all or none, and per role', async (t) => {
  rejects(
    t,
    { ...WEBHOOK, SPACELIFT_API_ENDPOINT: SPACELIFT.SPACELIFT_API_ENDPOINT },
    'SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET must be set together: missing SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET',
  );
  rejects(
    t,
    { ...WEBHOOK, SPACELIFT_API_KEY_ID: 'x', SPACELIFT_API_KEY_SECRET: 'y' },
    'SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET must be set together: missing SPACELIFT_API_ENDPOINT',
    'check-connection',
  );
  rejects(
    t,
    WEBHOOK,
    'serve needs Spacelift API credentials: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET',
  );
  rejects(
    t,
    {},
    'worker needs Spacelift API credentials: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET',
    'worker',
  );
  t.equal(load(WEBHOOK, 'webhook').spacelift, undefined);
  t.equal(load({}, 'check-connection').spacelift, undefined);
  t.ok(load(SPACELIFT, 'worker').spacelift, 'worker needs no webhook secret');
});

t.test('SPACELIFT_API_KEY_ID alone: the webhook listener takes it to recognise cascade runs; other roles refuse it', async (t) => {
  const alone = { ...WEBHOOK, SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000' };
  const listener = load(alone, 'webhook');
  t.equal(listener.spacelift, undefined, 'no credentials: the listener never calls Spacelift');
  t.equal(listener.cascadeKeyId, '01HZZZEXAMPLEKEY0000000000');
  t.equal(load(FULL).cascadeKeyId, '01HZZZEXAMPLEKEY0000000000', 'with the full credentials too');
  t.equal(load(WEBHOOK, 'webhook').cascadeKeyId, undefined);
  rejects(
    t,
    { ...WEBHOOK, SPACELIFT_API_KEY_ID: 'two words' },
    "SPACELIFT_API_KEY_ID must be a non-empty name without spaces, got 'two words'",
    'webhook',
  );
  rejects(
    t,
    alone,
    'SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET must be set together: missing SPACELIFT_API_ENDPOINT and SPACELIFT_API_KEY_SECRET',
    'check-connection',
  );
  rejects(
    t,
    alone,
    'SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET must be set together: missing SPACELIFT_API_ENDPOINT and SPACELIFT_API_KEY_SECRET',
  );
  rejects(
    t,
    { ...alone, SPACELIFT_API_ENDPOINT: SPACELIFT.SPACELIFT_API_ENDPOINT },
    'SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET must be set together: missing SPACELIFT_API_KEY_SECRET',
    'webhook',
  );
});

t.test('webhook secret per role, rotation list, insecure flag', async (t) => {
  rejects(t, SPACELIFT, 'serve needs SPACELIFT_WEBHOOK_SECRET to verify webhooks (or --insecure-skip-signature to accept unsigned ones)');
  rejects(
    t,
    {},
    'webhook needs SPACELIFT_WEBHOOK_SECRET to verify webhooks (or --insecure-skip-signature to accept unsigned ones)',
    'webhook',
  );
  t.equal(load(SPACELIFT, 'serve', { insecureSkipSignature: true }).webhook.insecureSkipSignature, true);
  t.same(load({ SPACELIFT_WEBHOOK_SECRET: ' new-secret-1 , old-secret-2 ,' }, 'webhook').webhook.secrets, ['new-secret-1', 'old-secret-2']);
  rejects(t, { SPACELIFT_WEBHOOK_SECRET: ' , ' }, 'SPACELIFT_WEBHOOK_SECRET contains no secret', 'webhook');
});

t.test('TLS settings', async (t) => {
  const ca = file('ca.pem', 'CA');
  const cert = file('cert.pem', 'CERT');
  const key = file('key.pem', 'KEY');
  t.same(load({ ...FULL, TEMPORAL_TLS: 'true' }).temporal.tls, {});
  t.equal(load({ ...FULL, TEMPORAL_TLS: 'false' }).temporal.tls, undefined);
  const mtls = load({
    ...FULL,
    TEMPORAL_TLS_CA_FILE: ca,
    TEMPORAL_TLS_CERT_FILE: cert,
    TEMPORAL_TLS_KEY_FILE: key,
    TEMPORAL_TLS_SERVER_NAME: 'tmprl',
  }).temporal.tls;
  t.equal(mtls?.serverRootCACertificate?.toString(), 'CA');
  t.equal(mtls?.clientCert?.toString(), 'CERT');
  t.equal(mtls?.clientKey?.toString(), 'KEY');
  t.equal(mtls?.serverNameOverride, 'tmprl');
  rejects(
    t,
    { ...FULL, TEMPORAL_TLS_CERT_FILE: cert },
    'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE must be set together: TEMPORAL_TLS_KEY_FILE is missing',
  );
  rejects(
    t,
    { ...FULL, TEMPORAL_TLS_KEY_FILE: key },
    'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE must be set together: TEMPORAL_TLS_CERT_FILE is missing',
  );
  rejects(t, { ...FULL, TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_FILE: ca }, 'TEMPORAL_TLS is false but TEMPORAL_TLS_CA_FILE is set');
  rejects(
    t,
    { ...FULL, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'tmprl-key-123' },
    'TEMPORAL_API_KEY requires TLS, but TEMPORAL_TLS is false',
  );
  rejects(
    t,
    { ...FULL, TEMPORAL_TLS_CA_FILE: join(tmp, 'missing.pem') },
    `TEMPORAL_TLS_CA_FILE points to '${join(tmp, 'missing.pem')}', which cannot be read (ENOENT)`,
  );
  const keyed = load({ ...FULL, TEMPORAL_API_KEY: 'tmprl-key-123' }).temporal;
  t.equal(keyed.apiKey, 'tmprl-key-123');
  t.same(keyed.tls, {}, 'an API key implies TLS');
});

t.test('_FILE, credentials directory and precedence', async (t) => {
  const secretFile = file('webhook-secret', 'from-file-secret\n');
  t.same(
    load({ ...SPACELIFT, SPACELIFT_WEBHOOK_SECRET_FILE: secretFile }).webhook.secrets,
    ['from-file-secret'],
    'trailing newline trimmed',
  );
  t.equal(load({ ...FULL, TEMPORAL_URL_FILE: file('url', 'file-host:7233\r\n') }).temporal.address, 'file-host:7233');
  rejects(
    t,
    { ...FULL, SPACELIFT_WEBHOOK_SECRET_FILE: secretFile },
    'set either SPACELIFT_WEBHOOK_SECRET or SPACELIFT_WEBHOOK_SECRET_FILE, not both',
  );
  rejects(
    t,
    { ...SPACELIFT, SPACELIFT_WEBHOOK_SECRET_FILE: join(tmp, 'nope') },
    `SPACELIFT_WEBHOOK_SECRET_FILE points to '${join(tmp, 'nope')}', which cannot be read (ENOENT)`,
  );
  rejects(
    t,
    { ...SPACELIFT, SPACELIFT_WEBHOOK_SECRET_FILE: file('empty', '\n') },
    `SPACELIFT_WEBHOOK_SECRET_FILE points to '${join(tmp, 'empty')}', which is empty`,
  );

  const credentials = mkdtempSync(join(tmpdir(), 'cascade-creds-'));
  writeFileSync(join(credentials, 'SPACELIFT_API_KEY_SECRET'), 'from-credential-secret\n');
  writeFileSync(join(credentials, 'SPACELIFT_WEBHOOK_SECRET'), 'cred-hook-secret');
  writeFileSync(join(credentials, 'TEMPORAL_URL'), 'cred-host:7233');
  const env = { ...SPACELIFT, SPACELIFT_API_KEY_SECRET: '', CREDENTIALS_DIRECTORY: credentials };
  const fromCreds = load(env);
  t.equal(fromCreds.spacelift?.apiKeySecret, 'from-credential-secret', 'an empty VAR counts as unset');
  t.same(fromCreds.webhook.secrets, ['cred-hook-secret']);
  t.equal(fromCreds.temporal.address, 'cred-host:7233');

  const fileBeatsCredential = load({ ...env, TEMPORAL_URL_FILE: file('url2', 'file-host:1') });
  t.equal(fileBeatsCredential.temporal.address, 'file-host:1', 'VAR_FILE beats the credential');
  const envBeatsFile = load({ ...env, TEMPORAL_URL: 'env-host:2' });
  t.equal(envBeatsFile.temporal.address, 'env-host:2', 'VAR beats the credential');
  const flagBeatsEnv = load({ ...env, TEMPORAL_URL: 'env-host:2' }, 'serve', { TEMPORAL_URL: 'flag-host:3', WEBHOOK_PORT: '9000' });
  t.equal(flagBeatsEnv.temporal.address, 'flag-host:3', 'a flag beats everything');
  t.equal(flagBeatsEnv.webhook.port, 9000);
  rejects(t, FULL, "--webhook-port must be an integer from 1 to 65535, got 'x'", 'serve', { WEBHOOK_PORT: 'x' });
});

t.test('secrets never appear in messages; configSecrets lists them all', async (t) => {
  const secrets = ['tmprl-key-secret-9', 'sl-secret-value-1234', 'hook-a-secret', 'hook-b-secret'];
  const env = { ...SPACELIFT, TEMPORAL_API_KEY: secrets[0], SPACELIFT_WEBHOOK_SECRET: `${secrets[2]},${secrets[3]}` };
  t.same(configSecrets(load(env)).sort(), [...secrets].sort());
  const broken: Env[] = [
    { ...env, TEMPORAL_URL: 'bad' },
    { ...env, SPACELIFT_API_KEY_ID: undefined },
    { ...env, TEMPORAL_TLS: 'false' },
    { ...env, SPACELIFT_WEBHOOK_SECRET_FILE: '/nonexistent' },
    { ...env, SPACELIFT_API_KEY_SECRET: '   ' },
  ];
  for (const brokenEnv of broken) {
    const err = t.throws(() => load(brokenEnv)) as Error;
    for (const secret of secrets) t.notMatch(err.message, secret);
  }
});

t.test('loadGeneralConfig reads only LOG_LEVEL and SHUTDOWN_GRACE_MS (the demo ignores the rest)', async (t) => {
  t.same(loadGeneralConfig({ env: { TEMPORAL_URL: 'not-valid', LOG_LEVEL: 'warn' } }), { logLevel: 'warn', shutdownGraceMs: 20000 });
  t.same(loadGeneralConfig({ env: {}, flags: { SHUTDOWN_GRACE_MS: '5' } }), { logLevel: 'info', shutdownGraceMs: 5 });
  t.throws(
    () => loadGeneralConfig({ env: { LOG_LEVEL: 'loud' } }),
    new ConfigError("LOG_LEVEL must be one of debug, info, warn, error, got 'loud'", 'LOG_LEVEL'),
  );
});
