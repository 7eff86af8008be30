/**
 * Retry by purpose: one policy per kind of call, never one constant for both reads and side effects.
 * README "Behaviour on failure" has the same table; change both together.
 *
 * | call                                   | policy        | gives up                                              |
 * | -------------------------------------- | ------------- | ----------------------------------------------------- |
 * | planCascade, findDependentStacks       | READ_RETRY    | at the plan deadline (CASCADE_PLAN_TIMEOUT, 1 h)      |
 * | getRunState (a monitor's poll)         | READ_RETRY    | at the run's deadline (CASCADE_RUN_TIMEOUT, 4 h)      |
 * | cancelRun                              | READ_RETRY    | after CANCEL_DEADLINE (it checks the state first)     |
 * | triggerStackRun                        | TRIGGER_RETRY | after 3 attempts (CASCADE_TRIGGER_ATTEMPTS, cascadeRetries:<n>) |
 * | notify / audit                         | NOTIFY_/AUDIT_RETRY | after 3 attempts; never fails the cascade       |
 *
 * Non-retryable errors (unknown stack, rejected key, schema violation, a refusal) fail every one of them at once.
 */
import type { RetryPolicy } from '@temporalio/common';

/**
 * Reads are idempotent: transient errors (5xx, 429, timeouts, resets) are retried with backoff until the deadline
 * that matters to the user, set per call as `scheduleToCloseTimeout`. No attempt limit: the deadline is the limit.
 */
export const READ_RETRY: RetryPolicy = {
  initialInterval: '1s',
  maximumInterval: '60s',
  backoffCoefficient: 2,
};

/** runTrigger has a side effect: 1 s, 2 s, … capped at 60 s, three attempts by default (the original policy). */
export const TRIGGER_RETRY: RetryPolicy = {
  initialInterval: '1s',
  maximumInterval: '60s',
  backoffCoefficient: 2,
  maximumAttempts: 3,
};

/** One Spacelift call (with its own token refresh) must finish well within this. */
export const ACTIVITY_START_TO_CLOSE = '30s';

/** How long the plan of a cascade may take, outages included, unless CASCADE_PLAN_TIMEOUT says otherwise. */
export const DEFAULT_PLAN_TIMEOUT_MS = 3600_000;

/** Stopping a run on cancellation: long enough to outlast a short outage, short enough to end the cancel. */
export const CANCEL_DEADLINE = '10m';

/**
 * Triggers go to their own task queue, `<task queue>-triggers`, whose workers set `maxTaskQueueActivitiesPerSecond`
 * (SPACELIFT_TRIGGER_RATE): the Temporal server holds a trigger back until the rate allows it, so waiting spends
 * neither the activity's timeout nor its attempts, and the limit holds across every worker.
 */
export function triggerTaskQueue(taskQueue: string): string {
  return `${taskQueue}-triggers`;
}

/**
 * `cascadeRunRetries:<n>`: a FAILED run is triggered again after 1 min, then 2, 4 … at most 10 min (a durable timer:
 * the failure may need a moment to clear, such as a lock or a flaky provider).
 */
export const RUN_RETRY_BACKOFF = { initialMs: 60_000, coefficient: 2, maximumMs: 10 * 60_000 } as const;

/** The wait before retry `attempt` (1 for the first retry) of a failed run. */
export function runRetryDelayMs(attempt: number): number {
  const { initialMs, coefficient, maximumMs } = RUN_RETRY_BACKOFF;
  return Math.min(initialMs * coefficient ** (attempt - 1), maximumMs);
}

/** Notifications: one request of at most 10 s per attempt; a receiver that is down for longer is given up on. */
export const NOTIFY_RETRY: RetryPolicy = {
  initialInterval: '2s',
  maximumInterval: '30s',
  backoffCoefficient: 2,
  maximumAttempts: 3,
};
export const NOTIFY_START_TO_CLOSE = '15s';

/** Audit log writes: local disk, so a failure that outlives three attempts (disk full) is logged and left. */
export const AUDIT_RETRY: RetryPolicy = {
  initialInterval: '1s',
  maximumInterval: '10s',
  backoffCoefficient: 2,
  maximumAttempts: 3,
};
export const AUDIT_START_TO_CLOSE = '30s';
