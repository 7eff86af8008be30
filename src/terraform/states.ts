/**
 * HCP Terraform run statuses (data.attributes.status, notifications[].run_status) mapped onto the cascade's
 * Spacelift-named states. Terminal statuses map onto TERMINAL_STATES (src/cascade/types.ts); every other status
 * is its own name upper-cased (planning → PLANNING), which is never terminal.
 */

/** The message of every run this service creates; runs whose message starts with it are recognised as ours. */
export const TERRAFORM_RUN_MESSAGE = 'Triggered by spacelift-cascade';
/** Run.triggeredBy of runs carrying TERRAFORM_RUN_MESSAGE, and TerraformClient.triggeredBy. */
export const TERRAFORM_TRIGGERED_BY = 'spacelift-cascade';

/**
 * The final statuses. policy_soft_failed is "a final state" for plan-only runs whose Sentinel policy soft-failed:
 * nothing was applied and a policy objected, so it counts as FAILED.
 */
export const TERMINAL_RUN_STATUSES: Readonly<Record<string, string>> = {
  applied: 'FINISHED',
  planned_and_finished: 'FINISHED',
  errored: 'FAILED',
  policy_soft_failed: 'FAILED',
  discarded: 'DISCARDED',
  canceled: 'CANCELED',
  force_canceled: 'CANCELED',
};

export function mapRunStatus(status: string): string {
  return Object.hasOwn(TERMINAL_RUN_STATUSES, status) ? (TERMINAL_RUN_STATUSES[status] as string) : status.toUpperCase();
}

export function isTerminalRunStatus(status: string): boolean {
  return Object.hasOwn(TERMINAL_RUN_STATUSES, status);
}

export function triggeredByOf(message: string | null | undefined): string | null {
  return typeof message === 'string' && message.startsWith(TERRAFORM_RUN_MESSAGE) ? TERRAFORM_TRIGGERED_BY : null;
}

/** Waiting for confirmation or priority: the discard action applies (the docs' `discardable` group, plus pending). */
export const DISCARDABLE_STATUSES: ReadonlySet<string> = new Set([
  'pending', 'planned', 'planned_and_saved', 'cost_estimated', 'policy_checked', 'policy_override', 'post_plan_running',
  'post_plan_completed',
]);

/** The apply has been confirmed or started: the port's cancelRun must not stop these. */
export const APPLY_STARTED_STATUSES: ReadonlySet<string> = new Set(['confirmed', 'apply_queued', 'applying']);
