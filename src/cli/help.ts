import { flagName } from '../config/variables';
import { commandVariables, COMMANDS, DEFAULT_COMMAND, type CommandSpec } from './command-specs';
import { PROGRAM_NAME, VERSION } from './version';

const EXIT_CODES =
  'Exit codes: 0 ok, 1 other failure, 2 usage or configuration error, 3 Temporal unreachable, 4 Spacelift credentials rejected';

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `${PROGRAM_NAME} ${VERSION}: a verified Spacelift webhook starts a Temporal workflow that triggers every stack`,
    'labelled dependsOn:<stack-id>.',
    '',
    `Usage: ${PROGRAM_NAME} [command] [flags]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Flags:',
    "  -h, --help            Show help; `<command> --help` lists that command's flags and variables",
    '  -v, --version         Print the version',
    '  --check-connection    Same as the check-connection command',
    '',
    'Configuration comes from environment variables; each may instead be given as VAR_FILE (a path) or as a',
    'systemd credential named VAR (LoadCredential=), and non-secret ones as --flags, which take precedence.',
    '',
    EXIT_CODES,
    '',
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  const variables = commandVariables(command);
  const argumentSpecs = command.arguments ?? [];
  const flagRows: Array<[string, string]> = [
    ...(command.options ?? []).map((o): [string, string] => [`--${o.name} <${o.value}>`, o.description]),
    ...command.switches.map((s): [string, string] => [`--${s.name}`, s.description]),
    ...variables.flatMap((v): Array<[string, string]> => {
      const flag = flagName(v);
      return flag ? [[`--${flag} <value>`, `Sets ${v.name}`]] : [];
    }),
    ['-h, --help', 'Show this help'],
  ];
  const envRows = variables.map((v): [string, string] => {
    const notes = [v.default !== undefined ? `default ${v.default}` : '', v.secret ? 'secret: no flag, never logged' : ''].filter(Boolean);
    return [v.name, notes.length > 0 ? `${v.description} (${notes.join('; ')})` : v.description];
  });
  const positional = argumentSpecs.map((a) => `<${a.name}> `).join('');
  const usage =
    command.name === DEFAULT_COMMAND ? `${PROGRAM_NAME} [serve] [flags]` : `${PROGRAM_NAME} ${command.name} ${positional}[flags]`;
  return [
    `Usage: ${usage}`,
    '',
    `${command.summary}.`,
    '',
    ...(argumentSpecs.length > 0
      ? ['Arguments:', ...table(argumentSpecs.map((a): [string, string] => [`<${a.name}>`, a.description])), '']
      : []),
    'Flags:',
    ...table(flagRows),
    '',
    'Environment (precedence: flag > VAR > VAR_FILE > $CREDENTIALS_DIRECTORY/VAR):',
    ...table(envRows),
    '',
    EXIT_CODES,
    '',
  ].join('\n');
}

function table(rows: ReadonlyArray<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}
