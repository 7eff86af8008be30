import type { RetryPolicy } from '@temporalio/common';

/** Every Spacelift call and child run: 1 s, 2 s, … capped at 60 s, three attempts in all. */
export const TRIGGER_RETRY: RetryPolicy = {
  initialInterval: '1s',
  maximumInterval: '60s',
  backoffCoefficient: 2,
  maximumAttempts: 3,
};

/** One Spacelift call (with its own token refresh) must finish well within this. */
export const ACTIVITY_START_TO_CLOSE = '30s';

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
