import { VARIABLES, type VariableGroup, type VariableName, type VariableSpec } from '../config/variables';

/** A boolean switch specific to one command (config flags come from the variables table). */
export interface SwitchSpec {
  name: string;
  description: string;
}

/** A required positional argument, shown as `<name>` in usage lines. */
export interface ArgumentSpec {
  name: string;
  description: string;
}

/** A `--name VALUE` option specific to one command. */
export interface OptionSpec {
  name: string;
  /** Shown in help: `--format <text|json>`. */
  value: string;
  description: string;
  /** When set, any other value is a usage error. */
  choices?: readonly string[];
}

export interface CommandSpec {
  name: CommandName;
  summary: string;
  /** Which variables (and their flags) the command reads. */
  groups: readonly VariableGroup[];
  /** Single variables read beyond those groups. */
  variables?: readonly VariableName[];
  switches: readonly SwitchSpec[];
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
}

export type CommandName =
  'serve' | 'worker' | 'webhook' | 'check-connection' | 'demo' | 'plan' | 'status' | 'approve' | 'reject' | 'cancel' | 'graph' | 'report';

const INSECURE: SwitchSpec = {
  name: 'insecure-skip-signature',
  description: 'Accept webhooks without verifying X-Signature-256 (local testing only)',
};

const WORKFLOW_ID: ArgumentSpec = { name: 'workflow-id', description: 'The cascade, e.g. cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001' };
const STACK_ID: ArgumentSpec = { name: 'stack-id', description: 'A Spacelift stack ID' };
const FORMAT: OptionSpec = { name: 'format', value: 'text|json', description: 'Output format (default text)', choices: ['text', 'json'] };
const BY: OptionSpec = { name: 'by', value: 'name', description: 'Who decided, recorded in the cascade (default $USER)' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'serve',
    summary: 'Webhook listener and Temporal worker in one process (default)',
    groups: ['temporal', 'spacelift', 'terraform', 'webhook', 'cascade', 'notify', 'audit', 'tracing', 'general'],
    switches: [INSECURE],
  },
  {
    name: 'worker',
    summary: 'Only the Temporal worker that runs the cascade workflows',
    groups: ['temporal', 'spacelift', 'terraform', 'notify', 'audit', 'tracing', 'general'],
    // METRICS_PORT binds WEBHOOK_HOST.
    variables: ['WEBHOOK_HOST'],
    switches: [],
  },
  {
    name: 'webhook',
    summary: 'Only the webhook listener; workflows run on a separate worker',
    groups: ['temporal', 'webhook', 'cascade', 'tracing', 'general'],
    // The worker's key ID tells the listener which runs a graph cascade triggered.
    variables: ['SPACELIFT_API_ENDPOINT', 'SPACELIFT_API_KEY_ID', 'SPACELIFT_API_KEY_SECRET'],
    switches: [INSECURE],
  },
  {
    name: 'check-connection',
    summary: 'Check Temporal (list namespaces) and, when configured, the Spacelift API key',
    groups: ['temporal', 'spacelift', 'terraform', 'general'],
    switches: [],
  },
  {
    name: 'demo',
    summary: 'Local dev server + fake Spacelift; runs one cascade end to end, no credentials needed',
    groups: ['general'],
    switches: [
      { name: 'keep-running', description: 'Stay up after the cascade (Temporal UI, webhook listener) until Ctrl-C' },
      { name: 'headless', description: 'Do not start the Temporal Web UI' },
    ],
  },
  {
    name: 'plan',
    summary: "Show the waves, conditions, cycles and broken references of a stack's cascade; triggers nothing",
    groups: ['spacelift', 'terraform', 'general'],
    variables: ['CASCADE_EDGE_MODE'],
    switches: [],
    arguments: [{ name: 'stack-id', description: 'The stack whose finished run would start the cascade' }],
    options: [FORMAT],
  },
  {
    name: 'status',
    summary: "Where every stack of a cascade stands (the cascadeStatus query), or a chain workflow's result",
    groups: ['temporal', 'general'],
    switches: [],
    arguments: [WORKFLOW_ID],
    options: [FORMAT],
  },
  {
    name: 'approve',
    summary: 'Let a stack that waits for approval (label cascade:approval) run',
    groups: ['temporal', 'general'],
    switches: [],
    arguments: [WORKFLOW_ID, STACK_ID],
    options: [BY],
  },
  {
    name: 'reject',
    summary: 'Skip a stack that waits for approval, and everything below it',
    groups: ['temporal', 'general'],
    switches: [],
    arguments: [WORKFLOW_ID, STACK_ID],
    options: [BY, { name: 'reason', value: 'text', description: 'Why, recorded in the cascade' }],
  },
  {
    name: 'cancel',
    summary: 'Cancel a cascade: runs it queued are cancelled or discarded in Spacelift, waiting stacks never run',
    groups: ['temporal', 'general'],
    switches: [],
    arguments: [WORKFLOW_ID],
  },
  {
    name: 'graph',
    summary: "Draw the dependency graph of the whole account, or of one stack's cascade in waves; triggers nothing",
    groups: ['spacelift', 'terraform', 'general'],
    variables: ['CASCADE_EDGE_MODE'],
    switches: [],
    options: [
      { name: 'root', value: 'stack-id', description: 'Only the cascade below this stack, in waves (default: the whole account)' },
      {
        name: 'format',
        value: 'tree|mermaid|dot|json',
        description: 'Output format (default tree)',
        choices: ['tree', 'mermaid', 'dot', 'json'],
      },
      {
        name: 'fixture',
        value: 'file',
        description: 'Read the stacks from a JSON file (an array of {id,name,labels} or a searchStacks response) instead of Spacelift',
      },
    ],
  },
  {
    name: 'report',
    summary: 'Where the cascades of a time window spent their time: critical paths, slowest and most blocking stacks, stuck work',
    groups: ['temporal', 'audit', 'general'],
    switches: [],
    options: [
      {
        name: 'since',
        value: 'span',
        description: 'The window: cascades started this long ago or later, and every one still running (default 7d; s, m, h, d, w)',
      },
      { name: 'root', value: 'stack-id', description: 'Only cascades started by this stack' },
      { name: 'stuck-after', value: 'span', description: 'A cascade running, or a stack waiting, longer than this is stuck (default 6h)' },
      {
        name: 'cascade',
        value: 'workflow-id',
        description: 'Report on this one cascade (its timeline in mermaid and html) instead of a window',
      },
      { name: 'top', value: 'n', description: 'Rows of the slowest and most blocking tables (default 10)' },
      {
        name: 'format',
        value: 'text|json|markdown|mermaid|html',
        description: 'Output format (default text); mermaid draws the slowest cascade as a Gantt chart, html is one self-contained page',
        choices: ['text', 'json', 'markdown', 'mermaid', 'html'],
      },
    ],
  },
];

export const DEFAULT_COMMAND: CommandName = 'serve';

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** The variables a command reads, in table order: its groups plus any single ones it names. */
export function commandVariables(command: CommandSpec): VariableSpec[] {
  return VARIABLES.filter(
    (v) => command.groups.includes(v.group) || (command.variables as readonly string[] | undefined)?.includes(v.name),
  );
}
