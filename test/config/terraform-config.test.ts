import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configSecrets, loadConfig, type Env } from '../../src/config';

const FULL = {
  SPACELIFT_API_ENDPOINT: 'https://acme.app.spacelift.io',
  SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000',
  SPACELIFT_API_KEY_SECRET: 'sl-secret-value-1234',
  SPACELIFT_WEBHOOK_SECRET: 'hook-secret-abcdef',
};
const load = (env: Env) => loadConfig({ env, role: 'serve' });
const rejects = (t: tap.Test, env: Env, message: string, field: string) => {
  const err = t.throws(() => load(env)) as ConfigError;
  t.type(err, ConfigError);
  t.equal(err.message, message);
  t.equal(err.variable, field);
};

t.test('HCP Terraform is off unless TFC_TOKEN and TFC_ORGANIZATION are set', async (t) => {
  const config = load(FULL);
  t.equal(config.terraform, undefined);
  t.same(config.webhook.terraformSecrets, []);
  t.equal(config.metricsPort, undefined);
});

t.test('token and organization: the client settings, the URL defaulting to HCP Terraform', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tfc-config-'));
  writeFileSync(join(dir, 'token'), 'tfc-token-from-file\n');
  const config = load({
    ...FULL,
    TFC_ORGANIZATION: 'acme',
    TFC_TOKEN_FILE: join(dir, 'token'),
    TFC_WEBHOOK_SECRET: 'nc-token-1, nc-token-0',
  });
  t.same(config.terraform, {
    url: 'https://app.terraform.io',
    organization: 'acme',
    token: 'tfc-token-from-file',
    requestTimeoutMs: 10000,
  });
  t.same(config.webhook.terraformSecrets, ['nc-token-1', 'nc-token-0']);
  t.ok(
    ['tfc-token-from-file', 'nc-token-1', 'nc-token-0'].every((secret) => configSecrets(config).includes(secret)),
    'every TFC secret is scrubbed from logs',
  );
  const tfe = load({ ...FULL, TFC_ORGANIZATION: 'acme', TFC_TOKEN: 'x', TFC_URL: 'https://tfe.example.com/' });
  t.equal(tfe.terraform?.url, 'https://tfe.example.com', 'Terraform Enterprise: the base URL, trailing slash dropped');
});

t.test('a partial or bad HCP Terraform setting is refused, naming the variable and never the secret', async (t) => {
  rejects(
    t,
    { ...FULL, TFC_TOKEN: 'secret-token-123' },
    'TFC_TOKEN and TFC_ORGANIZATION must be set together: missing TFC_ORGANIZATION',
    'TFC_ORGANIZATION',
  );
  rejects(t, { ...FULL, TFC_ORGANIZATION: 'acme' }, 'TFC_TOKEN and TFC_ORGANIZATION must be set together: missing TFC_TOKEN', 'TFC_TOKEN');
  rejects(t, { ...FULL, TFC_ORGANIZATION: 'acme', TFC_TOKEN: '   ' }, 'TFC_TOKEN is blank', 'TFC_TOKEN');
  rejects(
    t,
    { ...FULL, TFC_ORGANIZATION: 'acme', TFC_TOKEN: 'x', TFC_URL: 'ftp://tfe' },
    "TFC_URL must be an http(s) URL, got 'ftp://tfe'",
    'TFC_URL',
  );
  rejects(t, { ...FULL, TFC_WEBHOOK_SECRET: ' , ' }, 'TFC_WEBHOOK_SECRET contains no secret', 'TFC_WEBHOOK_SECRET');
  rejects(t, { ...FULL, METRICS_PORT: '99999' }, "METRICS_PORT must be an integer from 1 to 65535, got '99999'", 'METRICS_PORT');
});

t.test('METRICS_PORT', async (t) => {
  t.equal(load({ ...FULL, METRICS_PORT: '9464' }).metricsPort, 9464);
});
