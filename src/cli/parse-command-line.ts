import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LoadConfigFlags } from '../config/load-config';
import { flagName, VARIABLES, type VariableName } from '../config/variables';
import { COMMANDS, DEFAULT_COMMAND, findCommand, type CommandSpec } from './command-specs';
import { UsageError } from './exit-codes';
import { PROGRAM_NAME } from './version';

export interface ParsedCommandLine {
  command: CommandSpec;
  help: boolean;
  version: boolean;
  configFlags: LoadConfigFlags;
  /** Command switches that were given, e.g. 'keep-running'. */
  switches: ReadonlySet<string>;
}

const CHECK_CONNECTION_ALIAS = '--check-connection';

/** `spacelift-cascade [command] [flags]`; strict: an unknown flag or stray argument is a UsageError. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const explicit = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  let args = explicit === undefined ? [...argv] : argv.slice(1);
  let name = explicit ?? DEFAULT_COMMAND;
  if (args.includes(CHECK_CONNECTION_ALIAS)) {
    if (explicit !== undefined && explicit !== 'check-connection') {
      throw new UsageError(`${CHECK_CONNECTION_ALIAS} cannot be combined with the ${explicit} command`);
    }
    name = 'check-connection';
    args = args.filter((arg) => arg !== CHECK_CONNECTION_ALIAS);
  }
  const command = findCommand(name);
  if (!command) {
    throw new UsageError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see ${PROGRAM_NAME} --help)`);
  }

  const variableFlags = VARIABLES.filter((v) => command.groups.includes(v.group) && flagName(v) !== undefined);
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const v of variableFlags) options[flagName(v) as string] = { type: 'string' };
  for (const s of command.switches) options[s.name] = { type: 'boolean' };

  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (err) {
    throw new UsageError(`${describeParseError(err)} (see ${PROGRAM_NAME} ${command.name} --help)`);
  }

  const configFlags: LoadConfigFlags = {};
  for (const v of variableFlags) {
    const value = values[flagName(v) as string];
    if (typeof value === 'string') configFlags[v.name as VariableName] = value;
  }
  const switches = new Set(command.switches.map((s) => s.name).filter((s) => values[s] === true));
  if (switches.has('insecure-skip-signature')) configFlags.insecureSkipSignature = true;
  return { command, help: values.help === true, version: values.version === true, configFlags, switches };
}

/** node:util's messages are long and mention '--' tricks; say what was wrong in a few words instead. */
function describeParseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('ambiguous')) return `option ${quoted} needs a value (use ${quoted}=<value>)`;
      return quoted.includes('<value>') ? `option ${quoted.replace(/ <value>$/, '')} needs a value` : `option ${quoted} does not take a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    default:
      return message;
  }
}
