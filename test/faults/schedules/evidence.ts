/** Facts the invariants derive from an Observation: who claims which run, when a run was created or started. */
import type { Decision, StackStatus } from '../../../src/workflows/cascade-types';
import type { CallRecord } from './recorder';
import type { CascadeLabel, CascadeObservation, Observation } from './observation';

export const NOT_STARTED: ReadonlySet<string> = new Set(['QUEUED', 'READY']);
export const TERMINAL: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'DISCARDED', 'STOPPED', 'CANCELED', 'SKIPPED']);
const SETTLING = new Set(['finished', 'failed', 'skipped', 'cancelled']);

/** The cascades that started, with their final status (the result, else the query once it ended). */
export function startedCascades(o: Observation): (CascadeObservation & { status: NonNullable<CascadeObservation['query']> })[] {
  return (['A', 'B'] as CascadeLabel[])
    .map((label) => o.cascades[label])
    .filter((c) => c.started && (c.result ?? c.query))
    .map((c) => ({ ...c, status: (c.result ?? c.query) as NonNullable<CascadeObservation['query']> }));
}

export function stackOf(status: { stacks: StackStatus[] }, id: string): StackStatus | undefined {
  return status.stacks.find((s) => s.id === id);
}

/** The last decision that settled the stack (finished, failed, skipped, cancelled). */
export function settlingDecision(decisions: Decision[], stackId: string): Decision | undefined {
  return decisions.filter((d) => d.stackId === stackId && SETTLING.has(d.decision)).at(-1);
}

/** The seq at which the fake created each run of the case. */
export function createdAt(o: Observation): Map<string, number> {
  const created = new Map<string, number>();
  for (const event of o.events) if (event.kind === 'runCreated') created.set(event.runId, event.seq);
  return created;
}

/**
 * The earliest seq by which the run was known to have left QUEUED/READY: a getRun or cancelRun answered another
 * state, or the driver moved it (webhook `start`/`finish`). Undefined: never seen started.
 */
export function startedAt(o: Observation, runId: string): number | undefined {
  const seen = [
    ...o.calls
      .filter((c) => (c.method === 'getRun' || c.method === 'cancelRun') && c.runId === runId && c.state && !NOT_STARTED.has(c.state))
      .map((c) => c.end),
    ...o.events.filter((e) => e.kind === 'setRunState' && e.runId === runId && !NOT_STARTED.has(e.state)).map((e) => e.seq),
  ];
  return seen.length > 0 ? Math.min(...seen) : undefined;
}

/** Calls grouped by the activity (workflow + activity ID) that made them. */
export function activities(calls: CallRecord[], filter: (call: CallRecord) => boolean): CallRecord[][] {
  const byActivity = new Map<string, CallRecord[]>();
  for (const call of calls.filter(filter)) {
    const key = `${call.workflowId} ${call.activityId}`;
    byActivity.set(key, [...(byActivity.get(key) ?? []), call]);
  }
  return [...byActivity.values()];
}

/**
 * Whether every one of `attempts` attempts of the activity failed (the activity gave up): each had a call that failed,
 * or, when `workerRestarted`, made no call at all while a later attempt did. Such an attempt was handed to a worker as
 * it stopped and timed out: Temporal delivers an activity task at least once, and the lost delivery costs an attempt.
 */
export function everyAttemptFailed(calls: CallRecord[], attempts: number, workerRestarted = false): boolean {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const failed = calls.some((c) => c.attempt === attempt && c.error !== undefined);
    const lost = workerRestarted && !calls.some((c) => c.attempt === attempt) && calls.some((c) => c.attempt > attempt);
    if (!failed && !lost) return false;
  }
  return true;
}

/** triggerStackRun activities of `stackId` whose every attempt failed: the stack's trigger failed because of faults. */
export function failedTriggers(o: Observation, stackId: string, attempts: number): CallRecord[][] {
  const restarted = o.events.some((e) => e.kind === 'step' && e.step.kind === 'restart');
  return activities(o.calls, (c) => c.activityType === 'triggerStackRun' && c.stackId === stackId).filter((calls) =>
    everyAttemptFailed(calls, attempts, restarted),
  );
}

/** Run ID → the cascades whose decisions say they triggered it. */
export function triggeredBy(o: Observation): Map<string, string[]> {
  const claims = new Map<string, string[]>();
  for (const cascade of startedCascades(o)) {
    for (const d of cascade.status.decisions) {
      if (d.decision === 'triggered' && d.runId) claims.set(d.runId, [...(claims.get(d.runId) ?? []), cascade.workflowId]);
    }
  }
  return claims;
}
