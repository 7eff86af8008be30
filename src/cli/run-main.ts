import type { CommandName } from './command-specs';
import type { CommandContext, CommandRunner } from './command-context';
import { EXIT, exitCodeFor, UsageError, type ExitCode } from './exit-codes';
import { commandHelp, globalHelp } from './help';
import { parseCommandLine } from './parse-command-line';
import { PROGRAM_NAME, versionLine } from './version';
import { reasonOf } from '../log/describe-error';

/* Commands load lazily: --help and --version must not pay for the Temporal native bridge. */
const RUNNERS: Record<CommandName, CommandRunner> = {
  serve: async (context) => (await import('./service')).runServiceCommand('serve', context),
  worker: async (context) => (await import('./service')).runServiceCommand('worker', context),
  webhook: async (context) => (await import('./service')).runServiceCommand('webhook', context),
  'check-connection': async (context) => (await import('./check-connection')).runCheckConnection(context),
  demo: async (context) => (await import('./demo')).runDemo(context),
  plan: async (context) => (await import('./plan')).runPlan(context),
  status: async (context) => (await import('./status')).runStatus(context),
  approve: async (context) => (await import('./control/send-decision')).sendDecision(context, 'approve'),
  reject: async (context) => (await import('./control/send-decision')).sendDecision(context, 'reject'),
  cancel: async (context) => (await import('./cancel')).runCancel(context),
  graph: async (context) => (await import('./graph')).runGraph(context),
  report: async (context) => (await import('./report')).runReport(context),
};

export interface MainIo {
  env: NodeJS.ProcessEnv;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const processIo: MainIo = {
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** Parses argv, runs one command, and turns any error into ONE stderr line plus its exit code. */
export async function main(argv: readonly string[], io: MainIo = processIo): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.stderr(`${PROGRAM_NAME}: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
  if (parsed.version) {
    io.stdout(versionLine());
    return EXIT.ok;
  }
  const explicitCommand = argv.some((arg) => arg === parsed.command.name || arg === '--check-connection');
  if (parsed.help) {
    io.stdout(explicitCommand ? commandHelp(parsed.command) : globalHelp());
    return EXIT.ok;
  }
  const context: CommandContext = {
    env: io.env,
    configFlags: parsed.configFlags,
    switches: parsed.switches,
    arguments: parsed.arguments,
    options: parsed.options,
    stdout: io.stdout,
    stderr: io.stderr,
  };
  try {
    return await RUNNERS[parsed.command.name](context);
  } catch (err) {
    io.stderr(`${parsed.command.name}: ${reasonOf(err)}`);
    return exitCodeFor(err);
  }
}
