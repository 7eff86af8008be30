import {
  CancellationScope,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_START_TO_CLOSE, CANCEL_DEADLINE, READ_RETRY, TRIGGER_RETRY, triggerTaskQueue } from './policies';
import { NOT_STARTED, RunMonitorWorkflow } from './run-monitor';
import { causeMessage } from './stack-execution';
import {
  releaseRunSignal,
  requestRunSignal,
  runAssignedSignal,
  runEndedSignal,
  runReleasedSignal,
  stackRunsQuery,
  type MonitorSettings,
  type RunEnd,
  type RunRelease,
  type RunRequest,
  type StackRunsInput,
  type StackRunsResult,
} from './stack-runs-types';
import { runMonitorWorkflowId } from './workflow-ids';

/** A new StackRunsWorkflow waits this long for the request of the cascade that started it. */
const FIRST_MESSAGE_WAIT = '1 minute';
/** How long the check whether a run has started may take; past it, a new run is triggered instead of joining. */
const JOIN_CHECK_DEADLINE = '2m';
/**
 * The runs a retried trigger must not adopt: the newest ones triggered for this unit, by this execution or the
 * one before it (a retry adopts only runs created in the minute or so before its decision; older ones are past).
 */
const EXCLUDED_RUNS = 50;

const { getRunState } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: JOIN_CHECK_DEADLINE,
  retry: READ_RETRY,
});
const { cancelRun } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: CANCEL_DEADLINE,
  retry: READ_RETRY,
});

interface TrackedRun {
  runId: string;
  /** The cascade whose request triggered it. */
  triggeredFor: string;
  /** The cascades waiting for its end; empty once every one of them was cancelled. */
  cascades: Set<string>;
  /** Cancelling it stops watching the run (after the run itself was stopped). */
  watching: CancellationScope;
  /** Set once its monitor has ended, while the cascades are being told. */
  end?: RunEnd;
  /** Which attempt of each waiting cascade this run answers (a retried stack asks again: 2, 3 …). */
  attempts: Map<string, number>;
}

type Message = ({ kind: 'request' } & RunRequest) | ({ kind: 'release' } & RunRelease);

/**
 * One per stack (or workspace), `stack-runs-<unit>`: the only place that triggers runs of that unit for graph
 * cascades. Requests are handled one at a time, so two cascades can never trigger the unit at once, and a retried
 * trigger never adopts a run this workflow triggered for another request. A cascade that asks while the newest run this workflow
 * triggered has not started yet joins that run instead of triggering another: both wait for the same end. Each run
 * is watched by a child RunMonitorWorkflow (`spacelift-run-<runId>`, where webhooks are routed) and its end is
 * signalled to every cascade that waits for it. A cancelled cascade releases its claim: the run is cancelled once no
 * cascade waits for it any more. Idle (nothing queued, no run in flight), the workflow ends with the runs it
 * triggered; the next request starts a new one, which is handed those runs (startStackRuns) and never adopts them.
 */
export async function StackRunsWorkflow(input: StackRunsInput): Promise<StackRunsResult> {
  const unitId = input.unit_id;
  const inbox: Message[] = [];
  const runs = new Map<string, TrackedRun>();
  let newest: TrackedRun | undefined;
  /** Every run triggered for this unit (the previous execution's first), newest last: a retry never adopts one. */
  const triggered: string[] = [...(input.recent_runs ?? [])];
  const result = (): StackRunsResult => ({ recentRuns: triggered.slice(-EXCLUDED_RUNS) });
  setHandler(requestRunSignal, (request) => void inbox.push({ kind: 'request', ...request }));
  setHandler(releaseRunSignal, (release) => void inbox.push({ kind: 'release', ...release }));
  setHandler(stackRunsQuery, () => ({
    unitId,
    runs: [...runs.values()].map((run) => ({
      runId: run.runId,
      triggeredFor: run.triggeredFor,
      cascades: [...run.cascades],
      joinable: run === newest,
    })),
    queued: inbox.length,
  }));

  const handleRequest = async (request: RunRequest): Promise<void> => {
    if (inbox.some((m) => m.kind === 'release' && m.cascadeId === request.cascadeId)) return; // cancelled first: the release answers
    const candidate = newest && runs.get(newest.runId) === newest ? newest : undefined;
    const state = candidate ? await stateOf(unitId, candidate.runId) : undefined;
    const attempt = request.attempt ?? 1;
    // The run may have ended while its state was read: its end is told already, so joining it would wait for ever.
    if (candidate && !candidate.end && state !== undefined && NOT_STARTED.has(state)) {
      candidate.cascades.add(request.cascadeId);
      candidate.attempts.set(request.cascadeId, attempt);
      log.info('cascade joins a run that has not started', {
        unitId,
        runId: candidate.runId,
        cascadeId: request.cascadeId,
        triggeredFor: candidate.triggeredFor,
      });
      await tell(request.cascadeId, runAssignedSignal, {
        unitId,
        runId: candidate.runId,
        runState: state,
        triggeredFor: candidate.triggeredFor,
        attempt,
      });
      return;
    }
    let run: { id: string; state: string };
    try {
      run = await triggerRun(unitId, request.triggerAttempts, triggered.slice(-EXCLUDED_RUNS));
    } catch (err) {
      await tell(request.cascadeId, runAssignedSignal, { unitId, error: causeMessage(err), attempt });
      return;
    }
    triggered.push(run.id);
    const tracked: TrackedRun = {
      runId: run.id,
      triggeredFor: request.cascadeId,
      cascades: new Set([request.cascadeId]),
      watching: new CancellationScope(),
      attempts: new Map([[request.cascadeId, attempt]]),
    };
    runs.set(run.id, tracked);
    newest = tracked;
    void watch(tracked, request.monitor).finally(() => runs.delete(tracked.runId));
    await tell(request.cascadeId, runAssignedSignal, {
      unitId,
      runId: run.id,
      runState: run.state,
      triggeredFor: request.cascadeId,
      attempt,
    });
  };

  const handleRelease = async ({ cascadeId }: RunRelease): Promise<void> => {
    const claimed = [...runs.values()].filter((run) => run.cascades.has(cascadeId));
    if (claimed.length === 0)
      return tell(cascadeId, runReleasedSignal, { unitId, reason: 'nothing to stop: no run of this cascade is in flight' });
    for (const run of claimed) {
      run.cascades.delete(cascadeId);
      const reason = run.end
        ? `run ${run.end.state}`
        : run.cascades.size > 0
          ? `run continues for ${[...run.cascades].join(', ')}`
          : await stop(unitId, run);
      await tell(cascadeId, runReleasedSignal, { unitId, runId: run.runId, reason });
    }
  };

  const watch = async (run: TrackedRun, monitor: MonitorSettings): Promise<void> => {
    const end = await run.watching
      .run(() => monitorRun(unitId, run.runId, monitor))
      .catch((err: unknown): RunEnd => {
        if (isCancellation(err)) return { unitId, runId: run.runId, state: 'CANCELED', delta: null };
        return { unitId, runId: run.runId, state: 'FAILED', delta: null, error: causeMessage(err) };
      });
    run.end = end;
    await Promise.all(
      [...run.cascades].map((cascadeId) => tell(cascadeId, runEndedSignal, { ...end, attempt: run.attempts.get(cascadeId) ?? 1 })),
    );
  };

  // Started by a cascade just before its request: wait for it. Nothing within the minute: the cascade found another.
  if (!(await condition(() => inbox.length > 0, FIRST_MESSAGE_WAIT))) return result();
  for (;;) {
    await condition(() => inbox.length > 0 || runs.size === 0);
    const message = inbox.shift();
    if (!message) return result(); // idle: nothing queued, no run in flight
    if (message.kind === 'request') await handleRequest(message);
    else await handleRelease(message);
  }
}

async function monitorRun(unitId: string, runId: string, monitor: MonitorSettings): Promise<RunEnd> {
  const result = await executeChild(RunMonitorWorkflow, {
    workflowId: runMonitorWorkflowId(runId, unitId),
    args: [{ stack_id: unitId, run_id: runId, ...monitor }],
  });
  return {
    unitId,
    runId,
    state: result.state,
    delta: result.delta,
    ...(result.lastState ? { lastState: result.lastState } : {}),
    ...(result.startedAt !== undefined ? { startedAt: result.startedAt } : {}),
  };
}

/** The run's state now, or undefined when Spacelift does not say within JOIN_CHECK_DEADLINE. */
async function stateOf(unitId: string, runId: string): Promise<string | undefined> {
  try {
    return (await getRunState({ stackId: unitId, runId })).state;
  } catch (err) {
    log.warn('could not read the state of the run to join; triggering a new one', { unitId, runId, error: causeMessage(err) });
    return undefined;
  }
}

/** `ownRuns`: runs this workflow triggered for other requests, which a retried trigger must never adopt as its own. */
function triggerRun(unitId: string, attempts: number, ownRuns: string[]): Promise<{ id: string; state: string }> {
  const { triggerStackRun } = proxyActivities<Activities>({
    taskQueue: triggerTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
    retry: { ...TRIGGER_RETRY, maximumAttempts: attempts },
  });
  return triggerStackRun({ stackId: unitId, intentAt: Date.now(), ...(ownRuns.length > 0 ? { excludeRunIds: ownRuns } : {}) });
}

/** No cascade waits for the run any more: cancel (or discard) it, and stop watching it once it is stopped. */
async function stop(unitId: string, run: TrackedRun): Promise<string> {
  try {
    const { state } = await cancelRun({ stackId: unitId, runId: run.runId });
    run.watching.cancel();
    return `run ${state}`;
  } catch (err) {
    return `not cancelled: ${causeMessage(err)}`;
  }
}

/** Signals a cascade; one that has ended meanwhile (terminated, say) no longer listens, which is fine. */
async function tell<T>(cascadeId: string, signal: SignalDefinition<[T]>, payload: T): Promise<void> {
  await getExternalWorkflowHandle(cascadeId)
    .signal(signal, payload)
    .catch((err: unknown) => log.warn('could not signal the cascade', { cascadeId, signal: signal.name, error: causeMessage(err) }));
}
