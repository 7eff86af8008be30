import { CancellationScope, TimeoutFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { TERMINAL_STATES } from '../cascade/types';
import { ACTIVITY_START_TO_CLOSE, READ_RETRY } from './policies';
import type { RunDelta } from '../platform/types';
import { runStateSignal, type RunMonitorInput, type RunMonitorResult } from './cascade-types';

const isTerminal = (state: string) => (TERMINAL_STATES as readonly string[]).includes(state);
/** A run in these states has not started: it waits for the stack's lock, a worker, an approval policy … */
export const NOT_STARTED: ReadonlySet<string> = new Set(['QUEUED', 'READY']);

/** After a webhook without resource counts, the one read of them may take this long before the counts are given up. */
const COUNTS_READ_MS = 10 * 60_000;

/** Monitors started before this version awaited every poll to its end, even when a webhook told the end meanwhile. */
const POLL_YIELDS_PATCH = 'monitor-poll-yields-to-webhook';

type Final = { state: string; delta: RunDelta | null; via: 'webhook' | 'poll' };

/**
 * Waits for one run to end. Fast path: the webhook listener signals the run's state (this workflow's ID is derived
 * from the run ID). Fallback: poll with doubling intervals. A poll rides out a Spacelift outage (READ_RETRY) until
 * the run's own deadline, and gives way as soon as a webhook tells the end. Non-terminal and out-of-order signals
 * only update the last state seen; the first terminal state wins. A run still going at the deadline is TIMED_OUT,
 * with the state it was last seen in: it is left running (never cancelled) in Spacelift.
 */
export async function RunMonitorWorkflow(input: RunMonitorInput): Promise<RunMonitorResult> {
  const pollYields = patched(POLL_YIELDS_PATCH);
  let final: Final | undefined;
  let lastState: string | undefined;
  let startedAt: number | undefined;
  const seen = (state: string) => {
    lastState = state;
    if (startedAt === undefined && !NOT_STARTED.has(state)) startedAt = Date.now();
  };
  let deltaUnknown = false;
  setHandler(runStateSignal, ({ state, delta, deltaUnknown: unknown }) => {
    if (final) return;
    seen(state);
    if (!isTerminal(state)) return;
    final = { state, delta: delta ?? null, via: 'webhook' };
    deltaUnknown = unknown === true;
  });
  const told = () => final !== undefined;

  const deadline = Date.now() + input.timeout_ms;
  let interval = input.poll_initial_ms;
  while (!final) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    if (await condition(told, Math.min(interval, remaining))) break;
    const run = await readRun(input, deadline, pollYields ? told : undefined);
    if (run) {
      seen(run.state);
      if (!final && isTerminal(run.state)) final = { state: run.state, delta: run.delta, via: 'poll' };
    }
    interval = Math.min(interval * 2, input.poll_max_ms);
  }
  const started = startedAt === undefined ? {} : { startedAt };
  if (!final) return { state: 'TIMED_OUT', delta: null, via: 'timeout', ...(lastState ? { lastState } : {}), ...started };
  if (deltaUnknown) {
    // One read, only for platforms whose webhook omits the counts: `when:changed` edges below need them.
    const run = await readRun(input, Date.now() + COUNTS_READ_MS, undefined);
    final = { ...final, delta: run?.delta ?? null };
  }
  return { ...final, ...started };
}

/**
 * The run's state, read with READ_RETRY until `deadline`. Undefined when the deadline passed first, or when
 * `stop` (if given) turned true meanwhile: the read is then cancelled. Non-retryable errors (the run is gone) propagate.
 */
async function readRun(
  input: RunMonitorInput,
  deadline: number,
  stop: (() => boolean) | undefined,
): Promise<{ state: string; delta: RunDelta | null } | undefined> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return undefined;
  const { getRunState } = proxyActivities<Activities>({
    startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
    scheduleToCloseTimeout: remaining,
    retry: READ_RETRY,
  });
  const scope = new CancellationScope();
  try {
    const run = await scope.run(() => Promise.race([getRunState({ stackId: input.stack_id, runId: input.run_id }), stopped(stop)]));
    return run && { state: run.state, delta: run.delta ?? null };
  } catch (err) {
    if (err instanceof Error && err.cause instanceof TimeoutFailure) return undefined;
    throw err;
  } finally {
    scope.cancel(); // the read, if `stop` won, and the wait for `stop`, if the read did
  }
}

/** Resolves (with nothing) once `stop` holds; never, without a timer or command, for the old monitors. */
function stopped(stop: (() => boolean) | undefined): Promise<undefined> {
  return stop ? condition(stop).then(() => undefined) : new Promise(() => undefined);
}
