import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIABLES } from '../../src/config/variables';
import { COMMANDS } from '../../src/cli/command-specs';
import { EXIT, exitCodeFor, UsageError } from '../../src/cli/exit-codes';
import { SpaceliftCredentialsError, TemporalUnreachableError } from '../../src/service/errors';
import { commandHelp, globalHelp } from '../../src/cli/help';
import { parseCommandLine } from '../../src/cli/parse-command-line';
import { main } from '../../src/cli/run-main';
import { ConfigError } from '../../src/config/errors';
import { SpaceliftAuthError } from '../../src/spacelift/errors';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { env, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout: stdout.join('\n'), stderr };
}

t.test('commands, the default, and the --check-connection alias', async (t) => {
  t.equal(parseCommandLine([]).command.name, 'serve');
  t.equal(parseCommandLine(['--webhook-port', '9000']).command.name, 'serve');
  t.equal(parseCommandLine(['worker']).command.name, 'worker');
  t.equal(parseCommandLine(['--check-connection']).command.name, 'check-connection');
  t.equal(parseCommandLine(['check-connection', '--check-connection']).command.name, 'check-connection');
  t.throws(
    () => parseCommandLine(['worker', '--check-connection']),
    new UsageError('--check-connection cannot be combined with the worker command'),
  );
  const names = COMMANDS.map((c) => c.name).join(', ');
  t.match(names, /^serve, worker, webhook, check-connection, demo, plan, status, approve, reject, cancel\b/);
  t.throws(
    () => parseCommandLine(['deploy']),
    new UsageError(`unknown command 'deploy' (commands: ${names}; see spacelift-cascade --help)`),
  );
});

t.test('flags map onto variables; switches per command', async (t) => {
  const parsed = parseCommandLine(['serve', '--temporal-url', 'h:1', '--webhook-port=9000', '--insecure-skip-signature']);
  t.same(parsed.configFlags, { TEMPORAL_URL: 'h:1', WEBHOOK_PORT: '9000', insecureSkipSignature: true });
  t.same([...parseCommandLine(['demo', '--keep-running']).switches], ['keep-running']);
});

t.test('strict parsing: clear usage errors', async (t) => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'unknown option --bogus (see spacelift-cascade serve --help)'],
    [['worker', '--insecure-skip-signature'], 'unknown option --insecure-skip-signature (see spacelift-cascade worker --help)'],
    [['worker', '--webhook-port', '1'], 'unknown option --webhook-port (see spacelift-cascade worker --help)'],
    [['serve', '--spacelift-api-key-secret', 's3cret'], 'unknown option --spacelift-api-key-secret (see spacelift-cascade serve --help)'],
    [['serve', '--temporal-url'], 'option --temporal-url needs a value (see spacelift-cascade serve --help)'],
    [['serve', '--keep-running=yes'], 'unknown option --keep-running (see spacelift-cascade serve --help)'],
    [['demo', '--keep-running=yes'], 'option --keep-running does not take a value (see spacelift-cascade demo --help)'],
    [['serve', 'extra'], 'unexpected argument extra (see spacelift-cascade serve --help)'],
  ];
  for (const [argv, message] of cases) t.throws(() => parseCommandLine(argv), new UsageError(message), argv.join(' '));
});

t.test('main: usage errors exit 2 with one line; config errors name the command', async (t) => {
  const usage = await run(['--bogus']);
  t.same([usage.code, usage.stderr], [2, ['spacelift-cascade: unknown option --bogus (see spacelift-cascade serve --help)']]);
  const config = await run(['check-connection'], { TEMPORAL_URL: 'temporal' });
  t.same([config.code, config.stderr], [2, ["check-connection: TEMPORAL_URL must be host:port, got 'temporal'"]]);
  const missing = await run(['worker'], {});
  t.same(
    [missing.code, missing.stderr],
    [2, ['worker: worker needs Spacelift API credentials: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET']],
  );
});

t.test('--version prints package.json version and the Node.js that runs it', async (t) => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const line = `${version} (node ${process.version}, ${process.platform}-${process.arch})`;
  t.same(await run(['--version']), { code: 0, stdout: line, stderr: [] });
  t.same((await run(['worker', '-v'])).stdout, line);
});

t.test('--help: global, and per command from the variables table', async (t) => {
  const global = await run(['--help']);
  t.equal(global.code, 0);
  t.equal(global.stdout, globalHelp());
  for (const command of COMMANDS) t.match(global.stdout, command.name);
  t.match(
    global.stdout,
    'Exit codes: 0 ok, 1 other failure, 2 usage or configuration error, 3 Temporal unreachable, 4 Spacelift credentials rejected',
  );

  t.equal((await run(['serve', '--help'])).stdout, commandHelp(COMMANDS[0]));
  const worker = (await run(['worker', '-h'])).stdout;
  t.match(worker, '--temporal-url <value>');
  t.match(worker, /SPACELIFT_API_KEY_SECRET\s+Spacelift API key secret \(secret: no flag, never logged\)/);
  t.notMatch(worker, 'WEBHOOK_PORT', 'worker does not list listener settings');
  t.notMatch(worker, '--spacelift-api-key-secret', 'secrets have no flag');
  const check = (await run(['--check-connection', '--help'])).stdout;
  t.match(check, 'Usage: spacelift-cascade check-connection [flags]');
  const demo = (await run(['demo', '--help'])).stdout;
  t.match(demo, '--keep-running');
  t.match(demo, '--headless');

  const everyVariable = COMMANDS.map((c) => commandHelp(c)).join('\n');
  for (const v of VARIABLES) t.match(everyVariable, v.name, `${v.name} is documented`);
});

t.test('exit codes by error class', async (t) => {
  t.equal(exitCodeFor(new UsageError('x')), EXIT.usage);
  t.equal(exitCodeFor(new ConfigError('x')), EXIT.usage);
  t.equal(exitCodeFor(new TemporalUnreachableError('h:1', 'default', 'refused')), EXIT.temporalUnreachable);
  t.equal(exitCodeFor(new SpaceliftCredentialsError('https://x', 'no')), EXIT.spaceliftCredentials);
  t.equal(exitCodeFor(new SpaceliftAuthError('no', { operation: 'viewer' })), EXIT.spaceliftCredentials);
  t.equal(exitCodeFor(new Error('x')), EXIT.failure);
  t.equal(exitCodeFor('string'), EXIT.failure);
  t.same(EXIT, { ok: 0, failure: 1, usage: 2, temporalUnreachable: 3, spaceliftCredentials: 4 });
});

t.test('every variable is either secret (no flag) or has a flag and a description', async (t) => {
  const names = new Set<string>();
  for (const v of VARIABLES) {
    t.notOk(names.has(v.name), `${v.name} listed once`);
    names.add(v.name);
    t.ok(v.description.length > 0);
  }
  t.same(
    VARIABLES.filter((v) => v.secret).map((v) => v.name),
    [
      'TEMPORAL_API_KEY',
      'SPACELIFT_API_KEY_SECRET',
      'TFC_TOKEN',
      'TFC_WEBHOOK_SECRET',
      'SPACELIFT_WEBHOOK_SECRET',
      'NOTIFY_SLACK_WEBHOOK_URL',
      'NOTIFY_WEBHOOK_SECRET',
      'NOTIFY_SMTP_URL',
      'OTEL_EXPORTER_OTLP_HEADERS',
    ],
  );
});
