import { ApplicationFailure, activityInfo, log } from '@temporalio/activity';
import { dependsOn } from '../spacelift/labels';
import { SpaceliftError } from '../spacelift/errors';
import type { Run, SpaceliftApi } from '../spacelift/types';
import type { DependentStackInfo } from '../workflows/types';

export interface TriggerInput {
  stackId: string;
  /** Epoch ms when the workflow decided to trigger; runs created since then by us count as ours. */
  intentAt: number;
}

export interface ActivityDeps {
  spacelift: SpaceliftApi;
}

/** Activities get their Spacelift client from here, so tests pass a fake one instead of patching modules. */
export function createActivities({ spacelift }: ActivityDeps) {
  return {
    async findDependentStacks(stackId: string): Promise<DependentStackInfo[]> {
      const candidates = await withFailureMapping(() => spacelift.listCandidateDependents(stackId));
      return candidates
        .filter((stack) => stack.id !== stackId && dependsOn(stack.labels, stackId))
        .map(({ id, name, labels, attachedContexts }) => ({ id, name, labels, attachedContexts }));
    },

    async triggerStackRun({ stackId, intentAt }: TriggerInput): Promise<Run> {
      // A retry may follow a runTrigger that Spacelift accepted but whose answer we never recorded
      // (timeout, worker crash). Adopt that run instead of starting a second one.
      if (activityInfo().attempt > 1) {
        const earlier = await withFailureMapping(() => findOwnRunSince(spacelift, stackId, intentAt));
        if (earlier) {
          log.info('adopting run triggered by an earlier attempt', { stackId, runId: earlier.id });
          return earlier;
        }
      }
      return withFailureMapping(() => spacelift.triggerRun(stackId));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

const CLOCK_SKEW_ALLOWANCE_MS = 60_000;

async function findOwnRunSince(spacelift: SpaceliftApi, stackId: string, intentAtMs: number): Promise<Run | undefined> {
  const runs = await spacelift.listRecentRuns(stackId);
  // Spacelift stamps createdAt with its own clock in seconds; allow for skew against Temporal's clock.
  const since = Math.floor((intentAtMs - CLOCK_SKEW_ALLOWANCE_MS) / 1000);
  return runs.find((run) => run.triggeredBy === spacelift.triggeredBy && (run.createdAt ?? 0) >= since);
}

/** Non-retryable Spacelift errors fail the activity at once instead of burning the retry budget. */
async function withFailureMapping<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof SpaceliftError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(err.message, err.name, err.context);
    }
    throw err;
  }
}
