import type { VariableGroup } from '../config/variables';

/** A boolean switch specific to one command (config flags come from the variables table). */
export interface SwitchSpec {
  name: string;
  description: string;
}

export interface CommandSpec {
  name: CommandName;
  summary: string;
  /** Which variables (and their flags) the command reads. */
  groups: readonly VariableGroup[];
  switches: readonly SwitchSpec[];
}

export type CommandName = 'serve' | 'worker' | 'webhook' | 'check-connection' | 'demo';

const INSECURE: SwitchSpec = {
  name: 'insecure-skip-signature',
  description: 'Accept webhooks without verifying X-Signature-256 (local testing only)',
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'serve',
    summary: 'Webhook listener and Temporal worker in one process (default)',
    groups: ['temporal', 'spacelift', 'webhook', 'general'],
    switches: [INSECURE],
  },
  { name: 'worker', summary: 'Only the Temporal worker that runs the cascade workflows', groups: ['temporal', 'spacelift', 'general'], switches: [] },
  { name: 'webhook', summary: 'Only the webhook listener; workflows run on a separate worker', groups: ['temporal', 'webhook', 'general'], switches: [INSECURE] },
  {
    name: 'check-connection',
    summary: 'Check Temporal (list namespaces) and, when configured, the Spacelift API key',
    groups: ['temporal', 'spacelift', 'general'],
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
];

export const DEFAULT_COMMAND: CommandName = 'serve';

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
