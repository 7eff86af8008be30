// OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS and OTEL_SERVICE_NAME: off by default, validated with exact messages,
// header values kept out of messages and handed to the logger's scrubber.
import t from 'tap';
import { ConfigError, configSecrets, loadConfig, type Env } from '../../src/config';

const BASE: Env = {
  SPACELIFT_API_ENDPOINT: 'https://acme.app.spacelift.io',
  SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000',
  SPACELIFT_API_KEY_SECRET: 'sl-secret-value-1234',
};
const load = (env: Env) => loadConfig({ env: { ...BASE, ...env }, role: 'worker' });

function rejects(t: tap.Test, env: Env, message: string) {
  const err = t.throws(() => load(env));
  t.type(err, ConfigError);
  t.equal((err as Error).message, message);
}

t.test('off unless OTEL_EXPORTER_OTLP_ENDPOINT is set', async (t) => {
  t.equal(load({}).tracing, undefined);
  t.equal(load({ OTEL_SERVICE_NAME: 'cascade-eu' }).tracing, undefined);
});

t.test('the endpoint gets the standard /v1/traces path; headers are URL-decoded and reach the log scrubber', async (t) => {
  const config = load({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com:4318/base/',
    OTEL_EXPORTER_OTLP_HEADERS: 'X-Api-Key=tr%3Dace-secret, x-team = platform',
    OTEL_SERVICE_NAME: 'cascade-eu',
  });
  t.same(config.tracing, {
    tracesUrl: 'https://otlp.example.com:4318/base/v1/traces',
    serviceName: 'cascade-eu',
    headers: { 'x-api-key': 'tr=ace-secret', 'x-team': 'platform' },
  });
  t.ok(configSecrets(config).includes('tr=ace-secret'));
  t.match(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }).tracing, {
    tracesUrl: 'http://otel-collector:4318/v1/traces',
    serviceName: 'spacelift-cascade',
    headers: {},
  });
});

t.test('bad values name the variable; secrets are never quoted', async (t) => {
  rejects(
    t,
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4317' },
    "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://otel-collector:4318, got 'otel-collector:4317'",
  );
  rejects(
    t,
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://u:hunter2@otlp.example.com' },
    'OTEL_EXPORTER_OTLP_ENDPOINT must not carry user:password; put credentials in OTEL_EXPORTER_OTLP_HEADERS',
  );
  rejects(t, { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc' }, 'OTEL_EXPORTER_OTLP_HEADERS is set but OTEL_EXPORTER_OTLP_ENDPOINT is not');
  rejects(
    t,
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,secret-without-key' },
    'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas; entry 2 is not',
  );
  rejects(
    t,
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=%E0%A4%A' },
    'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas; entry 1 is not',
  );
  rejects(t, { OTEL_SERVICE_NAME: 'two words' }, "OTEL_SERVICE_NAME must be a non-empty name without spaces, got 'two words'");
});
