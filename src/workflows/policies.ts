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
