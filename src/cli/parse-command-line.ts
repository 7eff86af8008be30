import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LoadConfigFlags } from '../config/load-config';
import { flagName, type VariableName } from '../config/variables';
import { commandVariables, COMMANDS, DEFAULT_COMMAND, findCommand, type CommandSpec } from './command-specs';
import { UsageError } from './exit-codes';
import { PROGRAM_NAME } from './version';

export interface ParsedCommandLine {
  command: CommandSpec;
  help: boolean;
  version: boolean;
  configFlags: LoadConfigFlags;
  /** Command switches that were given, e.g. 'keep-running'. */
  switches: ReadonlySet<string>;
  /** Positional arguments by name, e.g. { 'workflow-id': 'cascade-vpc-…' } (all present unless help/version). */
  arguments: Readonly<Record<string, string>>;
  /** Command options that were given, e.g. { format: 'json' }. */
  options: Readonly<Record<string, string>>;
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

  const variableFlags = commandVariables(command).filter((v) => flagName(v) !== undefined);
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const v of variableFlags) options[flagName(v) as string] = { type: 'string' };
  for (const s of command.switches) options[s.name] = { type: 'boolean' };
  for (const o of command.options ?? []) options[o.name] = { type: 'string' };

  const seeHelp = `(see ${PROGRAM_NAME} ${command.name} --help)`;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true }) as {
      values: typeof values;
      positionals: string[];
    });
  } catch (err) {
    throw new UsageError(`${describeParseError(err)} ${seeHelp}`);
  }
  const asksForHelp = values.help === true || values.version === true;
  const commandArguments = readArguments(command, positionals, asksForHelp, seeHelp);
  const commandOptions = readOptions(command, values, seeHelp);

  const configFlags: LoadConfigFlags = {};
  for (const v of variableFlags) {
    const value = values[flagName(v) as string];
    if (typeof value === 'string') configFlags[v.name as VariableName] = value;
  }
  const switches = new Set(command.switches.map((s) => s.name).filter((s) => values[s] === true));
  if (switches.has('insecure-skip-signature')) configFlags.insecureSkipSignature = true;
  return {
    command,
    help: values.help === true,
    version: values.version === true,
    configFlags,
    switches,
    arguments: commandArguments,
    options: commandOptions,
  };
}

/** Positionals by name; all the command's are required, except when only help or the version is asked for. */
function readArguments(command: CommandSpec, positionals: string[], asksForHelp: boolean, seeHelp: string): Record<string, string> {
  const wanted = command.arguments ?? [];
  if (positionals.length > wanted.length) throw new UsageError(`unexpected argument ${positionals[wanted.length]} ${seeHelp}`);
  const missing = wanted[positionals.length];
  if (missing && !asksForHelp) throw new UsageError(`missing argument <${missing.name}> ${seeHelp}`);
  return Object.fromEntries(positionals.map((value, i) => [wanted[i]?.name, value]));
}

function readOptions(command: CommandSpec, values: Record<string, string | boolean | undefined>, seeHelp: string): Record<string, string> {
  const given: Record<string, string> = {};
  for (const o of command.options ?? []) {
    const value = values[o.name];
    if (typeof value !== 'string') continue;
    if (o.choices && !o.choices.includes(value)) {
      const allowed = o.choices.length === 2 ? o.choices.join(' or ') : `one of ${o.choices.join(', ')}`;
      throw new UsageError(`--${o.name} must be ${allowed}, got '${value}' ${seeHelp}`);
    }
    given[o.name] = value;
  }
  return given;
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
      return quoted.includes('<value>')
        ? `option ${quoted.replace(/ <value>$/, '')} needs a value`
        : `option ${quoted} does not take a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    default:
      return message;
  }
}
