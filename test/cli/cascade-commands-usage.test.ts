// The new commands' command lines, help and failure exits, in-process (no Temporal or Spacelift needed).
import t from 'tap';
import { findCommand } from '../../src/cli/command-specs';
import { UsageError } from '../../src/cli/exit-codes';
import { commandHelp } from '../../src/cli/help';
import { parseCommandLine } from '../../src/cli/parse-command-line';
import { main } from '../../src/cli/run-main';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { env, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout: stdout.join('\n'), stderr };
}

function help(name: string): string {
  const command = findCommand(name);
  if (!command) throw new Error(`no command ${name}`);
  return commandHelp(command);
}

t.test('positional arguments and command options', async (t) => {
  t.match(parseCommandLine(['status', 'cascade-vpc-1']), { arguments: { 'workflow-id': 'cascade-vpc-1' }, options: {} });
  t.match(parseCommandLine(['status', '--format', 'json', 'cascade-vpc-1']), {
    arguments: { 'workflow-id': 'cascade-vpc-1' },
    options: { format: 'json' },
  });
  t.match(parseCommandLine(['approve', 'cascade-vpc-1', 'prod', '--by', 'jane']), {
    arguments: { 'workflow-id': 'cascade-vpc-1', 'stack-id': 'prod' },
    options: { by: 'jane' },
  });
  t.match(parseCommandLine(['reject', 'w', 's', '--reason=change freeze']).options, { reason: 'change freeze' });
  t.same(parseCommandLine(['plan', 'vpc', '--cascade-edge-mode', 'changed']).configFlags, { CASCADE_EDGE_MODE: 'changed' });
  t.same(parseCommandLine(['cancel', 'w', '--temporal-url', 'h:1']).configFlags, { TEMPORAL_URL: 'h:1' });
  t.same(parseCommandLine(['serve']).arguments, {}, 'commands without arguments have none');
});

t.test('usage errors name what is wrong', async (t) => {
  const cases: Array<[string[], string]> = [
    [['status'], 'missing argument <workflow-id> (see spacelift-cascade status --help)'],
    [['approve', 'w'], 'missing argument <stack-id> (see spacelift-cascade approve --help)'],
    [['plan'], 'missing argument <stack-id> (see spacelift-cascade plan --help)'],
    [['cancel', 'a', 'b'], 'unexpected argument b (see spacelift-cascade cancel --help)'],
    [['status', 'w', '--format', 'yaml'], "--format must be text or json, got 'yaml' (see spacelift-cascade status --help)"],
    [['approve', 'w', 's', '--reason', 'x'], 'unknown option --reason (see spacelift-cascade approve --help)'],
    [['approve', 'w', 's', '--by'], 'option --by needs a value (see spacelift-cascade approve --help)'],
    [['plan', 'vpc', '--temporal-url', 'h:1'], 'unknown option --temporal-url (see spacelift-cascade plan --help)'],
    [['plan', 'vpc', '--cascade-mode', 'direct'], 'unknown option --cascade-mode (see spacelift-cascade plan --help)'],
  ];
  for (const [argv, message] of cases) t.throws(() => parseCommandLine(argv), new UsageError(message), argv.join(' '));
  const res = await run(['status']);
  t.same([res.code, res.stderr], [2, ['spacelift-cascade: missing argument <workflow-id> (see spacelift-cascade status --help)']]);
});

t.test('--help for each new command, without its arguments', async (t) => {
  const status = await run(['status', '--help']);
  t.equal(status.code, 0);
  t.equal(status.stdout, help('status'));
  t.match(status.stdout, 'Usage: spacelift-cascade status <workflow-id> [flags]');
  t.match(status.stdout, /Arguments:\n {2}<workflow-id> +The cascade, e\.g\. cascade-vpc-/);
  t.match(status.stdout, /--format <text\|json> +Output format \(default text\)/);
  t.match(help('approve'), 'Usage: spacelift-cascade approve <workflow-id> <stack-id> [flags]');
  t.match(help('approve'), /--by <name> +Who decided, recorded in the cascade \(default \$USER\)/);
  t.match(help('reject'), /--reason <text> +Why, recorded in the cascade/);
  t.match(help('cancel'), 'Usage: spacelift-cascade cancel <workflow-id> [flags]');
  t.match(help('plan'), 'Usage: spacelift-cascade plan <stack-id> [flags]');
  t.match(help('plan'), /CASCADE_EDGE_MODE +always: /);
  t.notMatch(help('plan'), 'TEMPORAL_URL', 'plan needs no Temporal');
  t.notMatch(help('plan'), 'CASCADE_MODE');
  t.notMatch(help('status'), 'SPACELIFT_API_ENDPOINT', 'the control commands need no Spacelift');
});

t.test('the cascade variables are listed where they are read', async (t) => {
  for (const name of [
    'CASCADE_MODE',
    'CASCADE_MAX_IN_FLIGHT',
    'CASCADE_RUN_TIMEOUT',
    'CASCADE_APPROVAL_TIMEOUT',
    'CASCADE_BLACKOUTS',
    'CASCADE_EDGE_MODE',
    'CASCADE_POLL_INTERVAL',
  ]) {
    t.match(help('serve'), name, `serve: ${name}`);
    t.match(help('webhook'), name, `webhook: ${name}`);
    t.notMatch(help('worker'), name, `worker: ${name}`);
  }
  t.match(
    help('worker'),
    /SPACELIFT_TRIGGER_RATE +Most runTrigger calls per second, for all workers of the task queue together.*\(default 5\)/,
  );
  t.match(help('serve'), /CASCADE_BLACKOUTS +UTC maintenance windows/);
  t.match(help('webhook'), /SPACELIFT_API_KEY_ID/, 'a split listener may be told the key, to recognise cascade runs');
  t.match(help('webhook'), '--cascade-mode <value>');
});

t.test('exit codes: bad configuration 2, Temporal unreachable 3', async (t) => {
  const blackout = await run(['serve'], { CASCADE_BLACKOUTS: 'Fri 22:00-Frj 23:00' });
  t.same(
    [blackout.code, blackout.stderr],
    [2, ['serve: CASCADE_BLACKOUTS: cannot parse "Fri 22:00-Frj 23:00": unknown day "Frj" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)']],
  );
  const plan = await run(['plan', 'vpc']);
  t.same(
    [plan.code, plan.stderr],
    [2, ['plan: plan needs Spacelift API credentials: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET']],
  );
  const url = await run(['approve', 'w', 's'], { TEMPORAL_URL: 'temporal' });
  t.same([url.code, url.stderr], [2, ["approve: TEMPORAL_URL must be host:port, got 'temporal'"]]);
  for (const argv of [
    ['status', 'w'],
    ['cancel', 'w'],
    ['approve', 'w', 's'],
    ['reject', 'w', 's'],
  ]) {
    const res = await run(argv, { TEMPORAL_URL: '127.0.0.1:1' });
    t.same(
      [res.code, res.stderr],
      [3, [`${argv[0]}: cannot reach Temporal at 127.0.0.1:1 (namespace default): connect ECONNREFUSED 127.0.0.1:1`]],
      argv[0],
    );
  }
});
