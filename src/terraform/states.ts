/**
 * HCP Terraform run statuses (data.attributes.status, notifications[].run_status) mapped onto the cascade's
 * Spacelift-named states, and what cancelRun may do in each. Every status go-tfe knows is listed: its RunStatus
 * constants (hashicorp/go-tfe v1.go, "List all available run statuses") and the status enum of the OpenAPI spec
 * its v2 client is generated from (v2/openapi/spec.json, runs.attributes.status), plus force_canceled from
 * HashiCorp's run states docs. Terminal statuses map onto TERMINAL_STATES (src/cascade/types.ts); every other
 * status is its own name upper-cased (planning → PLANNING), which is never terminal.
 */

/** The message of every run this service creates; runs whose message starts with it are recognised as ours. */
export const TERRAFORM_RUN_MESSAGE = 'Triggered by spacelift-cascade';
/** Run.triggeredBy of runs carrying TERRAFORM_RUN_MESSAGE; TerraformClient.ownsTrigger recognises it. */
export const TERRAFORM_TRIGGERED_BY = 'spacelift-cascade';

/**
 * What cancelRun does with a run in a status:
 * - stopped: nothing, it already is (an earlier attempt's answer may have been lost);
 * - discard: it waits for confirmation, a decision or priority — POST actions/discard;
 * - cancel: it is being prepared or planned — POST actions/cancel;
 * - apply-started: its apply is confirmed or running — refused, a confirmed apply is never stopped;
 * - ended: it is final — refused, there is nothing to stop;
 * - leave: not a run this service stops (health assessments) — refused.
 * A status missing here (one HashiCorp adds later) is refused too: unknown means "do not touch".
 */
export type StopRule = 'stopped' | 'discard' | 'cancel' | 'apply-started' | 'ended' | 'leave';

interface StatusInfo {
  /** The cascade state of a terminal status; absent: the status upper-cased, never terminal. */
  terminal?: string;
  stop: StopRule;
}

export const RUN_STATUSES: Readonly<Record<string, StatusInfo>> = {
  pending: { stop: 'discard' },
  fetching: { stop: 'cancel' },
  fetching_completed: { stop: 'cancel' },
  pre_plan_running: { stop: 'cancel' },
  pre_plan_completed: { stop: 'cancel' },
  pre_plan_awaiting_decision: { stop: 'discard' },
  queuing: { stop: 'cancel' },
  plan_queued: { stop: 'cancel' },
  planning: { stop: 'cancel' },
  planned: { stop: 'discard' },
  tf_policy_checked: { stop: 'discard' },
  tf_policy_override: { stop: 'discard' },
  cost_estimating: { stop: 'cancel' },
  cost_estimated: { stop: 'discard' },
  policy_checking: { stop: 'cancel' },
  policy_override: { stop: 'discard' },
  policy_checked: { stop: 'discard' },
  post_plan_running: { stop: 'discard' },
  post_plan_completed: { stop: 'discard' },
  // A post-plan run task failed and waits for someone to override it: the apply is not confirmed yet.
  post_plan_awaiting_decision: { stop: 'discard' },
  planned_and_saved: { stop: 'discard' },
  confirmed: { stop: 'apply-started' },
  pre_apply_running: { stop: 'apply-started' },
  pre_apply_completed: { stop: 'apply-started' },
  queuing_apply: { stop: 'apply-started' },
  apply_queued: { stop: 'apply-started' },
  applying: { stop: 'apply-started' },
  post_apply_running: { stop: 'apply-started' },
  post_apply_completed: { stop: 'apply-started' },
  applied: { terminal: 'FINISHED', stop: 'ended' },
  // Final for plan-only runs and for plans with no changes to apply.
  planned_and_finished: { terminal: 'FINISHED', stop: 'ended' },
  errored: { terminal: 'FAILED', stop: 'ended' },
  // Final for plan-only runs whose policy soft-failed: nothing was applied and a policy objected.
  policy_soft_failed: { terminal: 'FAILED', stop: 'ended' },
  discarded: { terminal: 'DISCARDED', stop: 'stopped' },
  canceled: { terminal: 'CANCELED', stop: 'stopped' },
  force_canceled: { terminal: 'CANCELED', stop: 'stopped' },
  // Health assessment (drift detection) runs: never created nor stopped by this service, never start a cascade.
  assessing: { stop: 'leave' },
  assessed: { stop: 'leave' },
};

/** The final statuses and the cascade state each maps to. */
export const TERMINAL_RUN_STATUSES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(RUN_STATUSES).flatMap(([status, info]) => (info.terminal ? [[status, info.terminal]] : [])),
);

const withRule = (rule: StopRule): ReadonlySet<string> =>
  new Set(Object.keys(RUN_STATUSES).filter((status) => RUN_STATUSES[status]?.stop === rule));

/** Waiting for confirmation, a decision or priority: the discard action applies. */
export const DISCARDABLE_STATUSES = withRule('discard');
/** Being prepared or planned: the cancel action applies. */
export const CANCELABLE_STATUSES = withRule('cancel');
/** The apply has been confirmed or started: the port's cancelRun must not stop these. */
export const APPLY_STARTED_STATUSES = withRule('apply-started');

/** cancelRun's rule for a status; an unknown status is left alone. */
export function stopRuleOf(status: string): StopRule | 'unknown' {
  return Object.hasOwn(RUN_STATUSES, status) ? RUN_STATUSES[status].stop : 'unknown';
}

export function mapRunStatus(status: string): string {
  return Object.hasOwn(TERMINAL_RUN_STATUSES, status) ? TERMINAL_RUN_STATUSES[status] : status.toUpperCase();
}

export function isTerminalRunStatus(status: string): boolean {
  return Object.hasOwn(TERMINAL_RUN_STATUSES, status);
}

export function triggeredByOf(message: string | null | undefined): string | null {
  return typeof message === 'string' && message.startsWith(TERRAFORM_RUN_MESSAGE) ? TERRAFORM_TRIGGERED_BY : null;
}
