import t from 'tap';
import { ConfigError, defaultCascadeConfig, loadConfig, type ConfigRole, type Env, type LoadConfigFlags } from '../../src/config';
import { formatDuration } from '../../src/config/parse-values';

const FULL = {
  SPACELIFT_API_ENDPOINT: 'https://acme.app.spacelift.io',
  SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000',
  SPACELIFT_API_KEY_SECRET: 'sl-secret-value-1234',
  SPACELIFT_WEBHOOK_SECRET: 'hook-secret-abcdef',
};
const HOUR = 3_600_000;

const load = (env: Env, role: ConfigRole = 'serve', flags: LoadConfigFlags = {}) => loadConfig({ env, flags, role });

function rejects(t: tap.Test, env: Env, message: string, variable: string | undefined, role: ConfigRole = 'serve') {
  const err = t.throws(() => load(env, role), message) as ConfigError;
  t.type(err, ConfigError);
  t.equal(err.message, message);
  t.equal(err.variable, variable);
}

t.test('defaults: graph mode with the workflow defaults', async (t) => {
  const expected = {
    mode: 'graph',
    maxInFlight: 10,
    runTimeoutMs: 4 * HOUR,
    approvalTimeoutMs: 24 * HOUR,
    blackouts: [],
    edgeMode: 'always',
    pollIntervalMs: 60_000,
    triggerRatePerSecond: 5,
    planTimeoutMs: HOUR,
    triggerAttempts: 3,
  };
  t.same(load(FULL).cascade, expected);
  t.same(defaultCascadeConfig(), expected);
  t.same(load({}, 'status').cascade, expected, 'every role gets the section');
});

t.test('parsed values, from variables and flags', async (t) => {
  const cascade = load({
    ...FULL,
    CASCADE_MODE: 'Direct',
    CASCADE_MAX_IN_FLIGHT: '1000',
    CASCADE_RUN_TIMEOUT: '90m',
    CASCADE_APPROVAL_TIMEOUT: '1h30m',
    CASCADE_BLACKOUTS: 'Sat 00:00-Mon 06:00; 2026-12-24T00:00Z/2026-12-27T00:00Z',
    CASCADE_EDGE_MODE: 'changed',
    CASCADE_POLL_INTERVAL: '30s',
    SPACELIFT_TRIGGER_RATE: '0.5',
    CASCADE_PLAN_TIMEOUT: '15m',
    CASCADE_TRIGGER_ATTEMPTS: '5',
  }).cascade;
  t.same(cascade, {
    mode: 'direct',
    maxInFlight: 1000,
    runTimeoutMs: 90 * 60_000,
    approvalTimeoutMs: 1.5 * HOUR,
    blackouts: [
      { kind: 'weekly', start: 5 * 1440, end: 6 * 60 },
      { kind: 'range', startMs: Date.UTC(2026, 11, 24), endMs: Date.UTC(2026, 11, 27) },
    ],
    edgeMode: 'changed',
    pollIntervalMs: 30_000,
    triggerRatePerSecond: 0.5,
    planTimeoutMs: 15 * 60_000,
    triggerAttempts: 5,
  });
  t.equal(load({ ...FULL, SPACELIFT_TRIGGER_RATE: '0' }).cascade.triggerRatePerSecond, 0, '0 = unlimited');
  t.equal(load({ ...FULL, CASCADE_RUN_TIMEOUT: '30d' }).cascade.runTimeoutMs, 30 * 24 * HOUR, 'the upper bound is allowed');
  t.equal(load({ ...FULL, CASCADE_POLL_INTERVAL: '1h' }).cascade.pollIntervalMs, HOUR);
  const flags = load(FULL, 'serve', { CASCADE_MODE: 'direct', CASCADE_MAX_IN_FLIGHT: '3', CASCADE_POLL_INTERVAL: '2m' }).cascade;
  t.match(flags, { mode: 'direct', maxInFlight: 3, pollIntervalMs: 120_000 });
});

t.test('value messages name the variable and the rule', async (t) => {
  rejects(t, { ...FULL, CASCADE_MODE: 'tree' }, "CASCADE_MODE must be one of graph, direct, got 'tree'", 'CASCADE_MODE');
  rejects(
    t,
    { ...FULL, CASCADE_MAX_IN_FLIGHT: '0' },
    "CASCADE_MAX_IN_FLIGHT must be an integer from 1 to 1000, got '0'",
    'CASCADE_MAX_IN_FLIGHT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_TRIGGER_ATTEMPTS: '0' },
    "CASCADE_TRIGGER_ATTEMPTS must be an integer from 1 to 10, got '0'",
    'CASCADE_TRIGGER_ATTEMPTS',
  );
  rejects(
    t,
    { ...FULL, CASCADE_PLAN_TIMEOUT: '10s' },
    "CASCADE_PLAN_TIMEOUT must be a duration from 1m to 30d such as 30s, 90m or 4h, got '10s'",
    'CASCADE_PLAN_TIMEOUT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_MAX_IN_FLIGHT: '1001' },
    "CASCADE_MAX_IN_FLIGHT must be an integer from 1 to 1000, got '1001'",
    'CASCADE_MAX_IN_FLIGHT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_RUN_TIMEOUT: '4 hours' },
    "CASCADE_RUN_TIMEOUT must be a duration from 1m to 30d such as 30s, 90m or 4h, got '4 hours'",
    'CASCADE_RUN_TIMEOUT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_RUN_TIMEOUT: '240' },
    "CASCADE_RUN_TIMEOUT must be a duration from 1m to 30d such as 30s, 90m or 4h, got '240'",
    'CASCADE_RUN_TIMEOUT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_RUN_TIMEOUT: '30s' },
    "CASCADE_RUN_TIMEOUT must be a duration from 1m to 30d such as 30s, 90m or 4h, got '30s'",
    'CASCADE_RUN_TIMEOUT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_APPROVAL_TIMEOUT: '31d' },
    "CASCADE_APPROVAL_TIMEOUT must be a duration from 1m to 30d such as 30s, 90m or 4h, got '31d'",
    'CASCADE_APPROVAL_TIMEOUT',
  );
  rejects(
    t,
    { ...FULL, CASCADE_POLL_INTERVAL: '500ms' },
    "CASCADE_POLL_INTERVAL must be a duration from 1s to 1d such as 30s, 90m or 4h, got '500ms'",
    'CASCADE_POLL_INTERVAL',
  );
  rejects(
    t,
    { ...FULL, CASCADE_POLL_INTERVAL: '-1m' },
    "CASCADE_POLL_INTERVAL must be a duration from 1s to 1d such as 30s, 90m or 4h, got '-1m'",
    'CASCADE_POLL_INTERVAL',
  );
  rejects(
    t,
    { ...FULL, CASCADE_EDGE_MODE: 'sometimes' },
    "CASCADE_EDGE_MODE must be one of always, changed, got 'sometimes'",
    'CASCADE_EDGE_MODE',
  );
  rejects(
    t,
    { ...FULL, SPACELIFT_TRIGGER_RATE: 'fast' },
    "SPACELIFT_TRIGGER_RATE must be a number from 0 to 1000 (0 = unlimited), got 'fast'",
    'SPACELIFT_TRIGGER_RATE',
  );
  rejects(
    t,
    { ...FULL, SPACELIFT_TRIGGER_RATE: '-1' },
    "SPACELIFT_TRIGGER_RATE must be a number from 0 to 1000 (0 = unlimited), got '-1'",
    'SPACELIFT_TRIGGER_RATE',
  );
  rejects(
    t,
    { ...FULL, SPACELIFT_TRIGGER_RATE: '1001' },
    "SPACELIFT_TRIGGER_RATE must be a number from 0 to 1000 (0 = unlimited), got '1001'",
    'SPACELIFT_TRIGGER_RATE',
  );
  const flagged = t.throws(() => load(FULL, 'serve', { CASCADE_MAX_IN_FLIGHT: 'many' })) as Error;
  t.equal(flagged.message, "--cascade-max-in-flight must be an integer from 1 to 1000, got 'many'", 'a flag is named as typed');
});

t.test("CASCADE_BLACKOUTS is parsed at start: a bad value stops it with the parser's message", async (t) => {
  rejects(
    t,
    { ...FULL, CASCADE_BLACKOUTS: 'Sat 00:00-Moon 06:00' },
    'CASCADE_BLACKOUTS: cannot parse "Sat 00:00-Moon 06:00": unknown day "Moon" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)',
    'CASCADE_BLACKOUTS',
  );
  rejects(
    t,
    { ...FULL, CASCADE_BLACKOUTS: 'Mon 00:00-Mon 00:00' },
    'CASCADE_BLACKOUTS: cannot parse "Mon 00:00-Mon 00:00": start and end are the same time',
    'CASCADE_BLACKOUTS',
  );
  rejects(
    t,
    { ...FULL, CASCADE_BLACKOUTS: 'Mon 00:00-Thu 00:00; Wed 00:00-Mon 00:00' },
    'CASCADE_BLACKOUTS: the weekly windows cover the whole week, so no cascade could ever run',
    'CASCADE_BLACKOUTS',
  );
  rejects(
    t,
    { CASCADE_BLACKOUTS: '2026-12-27T00:00Z/2026-12-24T00:00Z' },
    'CASCADE_BLACKOUTS: cannot parse "2026-12-27T00:00Z/2026-12-24T00:00Z": start must be before end',
    'CASCADE_BLACKOUTS',
    'status',
  );
  t.same(load({ ...FULL, CASCADE_BLACKOUTS: ' ; ' }).cascade.blackouts, [], 'only separators: none');
});

t.test('the plan command needs Spacelift credentials; the control commands do not', async (t) => {
  rejects(
    t,
    {},
    'plan needs Spacelift API credentials: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET',
    undefined,
    'plan',
  );
  t.ok(load(FULL, 'plan').spacelift);
  for (const role of ['status', 'approve', 'reject', 'cancel'] as const) t.equal(load({}, role).spacelift, undefined, role);
});

t.test('formatDuration names bounds in the largest exact unit', async (t) => {
  t.same([1_000, 60_000, 90_000, HOUR, 24 * HOUR, 1_500].map(formatDuration), ['1s', '1m', '90s', '1h', '1d', '1500ms']);
});
