import {
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nextAllowedTime } from '../cascade/blackout';
import type { CascadePlan, Edge, PlannedStack } from '../cascade/types';
import { createCascadeReporter } from './cascade-reporting';
import { CascadeState, type Outcome } from './cascade-state';
import { ConcurrencySlots } from './concurrency-slots';
import {
  ACTIVITY_START_TO_CLOSE,
  CANCEL_DEADLINE,
  DEFAULT_PLAN_TIMEOUT_MS,
  READ_RETRY,
  TRIGGER_RETRY,
  runRetryDelayMs,
  triggerTaskQueue,
} from './policies';
import { RunMonitorWorkflow } from './run-monitor';
import { SharedRuns } from './shared-runs';
import { causeMessage, requireStackId } from './stack-execution';
import {
  approveSignal,
  cascadeStatusQuery,
  rejectSignal,
  type CascadeInput,
  type CascadeOptions,
  type CascadeStatus,
  type StackStatus,
} from './cascade-types';
import type { RunDelta } from '../platform/types';
import { runMonitorWorkflowId } from './workflow-ids';

/** Cascades started before run sharing triggered and watched each run themselves; replaying them must too. */
const RUN_SHARING_PATCH = 'cascade-shares-runs';

type Options = Required<Omit<CascadeOptions, 'blackouts' | 'globalWhen'>> & Pick<CascadeOptions, 'blackouts' | 'globalWhen'>;

const DEFAULTS = {
  maxInFlight: 10,
  runTimeoutMs: 4 * 3600_000,
  approvalTimeoutMs: 24 * 3600_000,
  pollInitialMs: 60_000,
  pollMaxMs: 10 * 60_000,
  planTimeoutMs: DEFAULT_PLAN_TIMEOUT_MS,
  triggerAttempts: TRIGGER_RETRY.maximumAttempts as number,
};

const { cancelRun } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: CANCEL_DEADLINE,
  retry: READ_RETRY,
});

/**
 * The whole downstream graph of a finished run: waves, diamonds (a stack runs once, after every parent
 * inside the cascade finished), cycles reported and left out, run monitoring, approval gates,
 * maintenance windows, a concurrency cap, and cancellation that stops the runs it triggered.
 * Each stack goes through the steps below, in order; `CascadeState` keeps the books.
 */
export async function CascadeWorkflow(input: CascadeInput): Promise<CascadeStatus> {
  const root = requireStackId(input);
  const options: Options = { ...DEFAULTS, ...input.options };
  const state = new CascadeState(root, input.run_id, { state: input.run_state ?? 'FINISHED', delta: input.run_delta ?? null });
  state.reporter = createCascadeReporter({
    root,
    ...(input.run_id ? { rootRunId: input.run_id } : {}),
    stacks: () => state.notificationStacks(),
  });
  // Handlers first: status queries and approvals may arrive while the graph is still being discovered.
  setHandler(cascadeStatusQuery, () => state.snapshot());
  setHandler(approveSignal, ({ stackId, by }) => state.answer(stackId, { approved: true, ...(by ? { by } : {}) }));
  setHandler(rejectSignal, ({ stackId, by, reason }) =>
    state.answer(stackId, { approved: false, ...(by ? { by } : {}), ...(reason ? { reason } : {}) }),
  );
  const shared = patched(RUN_SHARING_PATCH) ? new SharedRuns() : undefined;
  const run: RunStep = shared
    ? (stack) => requestAndAwaitRun(stack, state, shared, options)
    : (stack) => triggerAndMonitor(stack, state, options);

  try {
    // Inside the try: a cascade cancelled while its plan rides out an outage still ends done, counted as cancelled.
    // Nothing is planned yet then, so the cancellation path schedules no command, and old histories replay as before.
    const plan = await planCascade(root, options);
    state.load(plan);
    const slots = new ConcurrencySlots(options.maxInFlight);
    await Promise.all(plan.stacks.map((stack) => runStack(stack, state, slots, options, run)));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => (shared ? releaseRuns(state, shared) : stopCascade(state)));
    state.end();
    throw err;
  }
  state.end();
  await state.reporter.ended();
  return state.snapshot();
}

async function planCascade(root: string, options: Options): Promise<CascadePlan> {
  const { planCascade: plan } = proxyActivities<Activities>({
    startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
    scheduleToCloseTimeout: options.planTimeoutMs,
    retry: READ_RETRY,
  });
  return plan({ stackId: root, globalWhen: options.globalWhen ?? 'always' });
}

/** Gets the stack a run and waits for its end, settling the stack. */
type RunStep = (stack: PlannedStack) => Promise<void>;

/** One stack, start to end: parents → approval → slot → window → run (triggered or joined) → its end. */
async function runStack(stack: PlannedStack, state: CascadeState, slots: ConcurrencySlots, options: Options, run: RunStep): Promise<void> {
  const blocked = await waitForParents(stack, state);
  if (blocked) return state.skip(stack.id, blocked);
  const rejected = await awaitApproval(stack, state, options);
  if (rejected) return state.skip(stack.id, rejected);
  await slots.acquire(stack, () => state.update(stack.id, { state: 'waiting_for_slot' }));
  try {
    await waitForWindow(stack, state, options);
    await run(stack);
  } catch (err) {
    if (isCancellation(err)) throw err;
    state.settle(stack.id, { state: 'FAILED', delta: null }, { state: 'failed', reason: causeMessage(err) });
  } finally {
    slots.release();
  }
}

/** Resolves once every parent inside the cascade settled: with why the stack must not run, or undefined. */
async function waitForParents(stack: PlannedStack, state: CascadeState): Promise<string | undefined> {
  state.update(stack.id, { state: 'waiting_for_parents' });
  await condition(() => stack.parents.every((edge) => state.outcomeOf(edge.parent) !== undefined));
  return blockingReason(stack.parents, (id) => state.outcomeOf(id));
}

/** `cascade:approval`: waits for approve/reject; resolves with why the stack is skipped, or undefined to go on. */
async function awaitApproval(stack: PlannedStack, state: CascadeState, options: Options): Promise<string | undefined> {
  if (!stack.settings.requiresApproval) return undefined;
  state.update(stack.id, { state: 'waiting_for_approval' });
  state.reporter.approvalNeeded(stack.id);
  const answered = await condition(() => state.approvalOf(stack.id) !== undefined, options.approvalTimeoutMs);
  const answer = state.approvalOf(stack.id);
  if (!answered || !answer) return 'approval timed out';
  state.reporter.decide(stack.id, answer.approved ? 'approved' : 'rejected', { by: answer.by, reason: answer.reason });
  if (!answer.approved) return `rejected${answer.by ? ` by ${answer.by}` : ''}${answer.reason ? `: ${answer.reason}` : ''}`;
  if (answer.by) state.update(stack.id, { approvedBy: answer.by });
  return undefined;
}

/** A trigger due inside a maintenance window waits on a durable timer until the window ends. */
async function waitForWindow(stack: PlannedStack, state: CascadeState, options: Options): Promise<void> {
  const allowedAt = nextAllowedTime(Date.now(), options.blackouts ?? []);
  if (allowedAt <= Date.now()) return;
  state.update(stack.id, { state: 'waiting_for_window', reason: `maintenance window until ${new Date(allowedAt).toISOString()}` });
  await sleep(allowedAt - Date.now());
}

/**
 * Asks the stack's StackRunsWorkflow for a run, and waits for its end. The answer is a run triggered for this
 * cascade, or one another cascade triggered that has not started yet, which this cascade then joins.
 */
async function requestAndAwaitRun(stack: PlannedStack, state: CascadeState, runs: SharedRuns, options: Options): Promise<void> {
  const retries = stack.settings.runRetries ?? 0;
  for (let attempt = 1; ; attempt++) {
    state.update(stack.id, { state: 'triggering', reason: undefined });
    const assignment = await runs.request(stack.id, {
      triggerAttempts: stack.settings.maxAttempts ?? options.triggerAttempts,
      monitor: { timeout_ms: options.runTimeoutMs, poll_initial_ms: options.pollInitialMs, poll_max_ms: options.pollMaxMs },
      attempt,
    });
    if ('error' in assignment) throw new Error(assignment.error);
    recordAssignment(state, assignment);
    const end = await runs.ended(stack.id, attempt);
    if (end.error) throw new Error(end.error);
    if (end.state !== 'FAILED' || attempt > retries) return settleRun(stack, state, assignment.runId, end);
    await waitToRetry(stack, state, assignment.runId, attempt, retries);
  }
}

/**
 * `cascadeRunRetries:<n>`: the run FAILED (not stopped, cancelled, discarded or timed out) and retries are left.
 * The retry is a new run, asked for after a durable backoff (RUN_RETRY_BACKOFF), never the failed one again.
 */
async function waitToRetry(stack: PlannedStack, state: CascadeState, runId: string, attempt: number, retries: number): Promise<void> {
  const delayMs = runRetryDelayMs(attempt);
  const reason = `run ${runId} FAILED; retry ${attempt} of ${retries} in ${Math.round(delayMs / 1000)} s`;
  state.update(stack.id, { state: 'waiting_for_retry', reason, runState: 'FAILED', attempt: attempt + 1 });
  state.reporter.decide(stack.id, 'retried', { runId, reason });
  await sleep(delayMs);
}

/** The stack has its run: triggered for this cascade, or joined (another cascade's, not started yet). */
function recordAssignment(
  state: CascadeState,
  { unitId, runId, runState, triggeredFor }: { unitId: string; runId: string; runState: string; triggeredFor: string },
): void {
  const joined = triggeredFor !== workflowInfo().workflowId;
  state.update(unitId, { state: 'running', runId, runState, runStartedAt: undefined, sharedFrom: joined ? triggeredFor : undefined });
  if (joined)
    state.reporter.decide(unitId, 'joined', { runId, reason: `run triggered by ${triggeredFor}; it had not started (${runState})` });
  else state.reporter.decide(unitId, 'triggered', { runId });
}

/**
 * Cascades started before run sharing: triggers the stack's run and watches it to its end. The trigger is never cut
 * short by cancellation: the run it creates must be known, so that stopCascade can stop it.
 */
async function triggerAndMonitor(stack: PlannedStack, state: CascadeState, options: Options): Promise<void> {
  state.update(stack.id, { state: 'triggering', reason: undefined });
  const run = await CancellationScope.nonCancellable(() => triggerFor(stack, options)({ stackId: stack.id, intentAt: Date.now() }));
  state.update(stack.id, { state: 'running', runId: run.id, runState: run.state });
  state.reporter.decide(stack.id, 'triggered', { runId: run.id });
  const result = await executeChild(RunMonitorWorkflow, {
    workflowId: runMonitorWorkflowId(run.id, stack.id),
    args: [
      {
        stack_id: stack.id,
        run_id: run.id,
        timeout_ms: options.runTimeoutMs,
        poll_initial_ms: options.pollInitialMs,
        poll_max_ms: options.pollMaxMs,
      },
    ],
  });
  settleRun(stack, state, run.id, result);
}

/** The run ended (or timed out, left running in Spacelift): the stack finished or failed, and its children decide. */
function settleRun(
  stack: PlannedStack,
  state: CascadeState,
  runId: string,
  end: { state: string; delta: RunDelta | null; lastState?: string; startedAt?: number },
): void {
  if (end.startedAt !== undefined) state.update(stack.id, { runStartedAt: new Date(end.startedAt).toISOString() });
  const ok = end.state === 'FINISHED';
  const timedOut = end.state === 'TIMED_OUT';
  const reason = timedOut
    ? `run timed out; it is still ${end.lastState ?? 'not finished'} in Spacelift and was not cancelled`
    : `run ${end.state}`;
  state.settle(
    stack.id,
    { state: end.state, delta: end.delta },
    { state: ok ? 'finished' : 'failed', runState: end.state, ...(ok ? {} : { reason }) },
  );
  if (timedOut) state.reporter.runTimedOut(stack.id, runId, end.lastState);
}

/** Trigger attempts: the stack's `cascadeRetries:<n>`, else CASCADE_TRIGGER_ATTEMPTS; always on the trigger queue. */
function triggerFor(stack: PlannedStack, options: Options) {
  return proxyActivities<Activities>({
    taskQueue: triggerTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
    retry: { ...TRIGGER_RETRY, maximumAttempts: stack.settings.maxAttempts ?? options.triggerAttempts },
  }).triggerStackRun;
}

/**
 * On cancellation: triggers still out are awaited, then every run this cascade triggered and has not seen end is
 * cancelled (or discarded), and every stack still waiting is cancelled.
 */
async function stopCascade(state: CascadeState): Promise<void> {
  await condition(() => !state.isTriggering());
  const stopped = await Promise.all(state.runsInFlight().map(async (stack) => ({ id: stack.id, reason: await stopRun(stack) })));
  for (const { id, reason } of stopped) state.cancel(id, reason);
  state.cancelWaiting();
  await state.reporter.settled();
}

/**
 * On cancellation, with run sharing: every run this cascade asked for is released. Its stack's workflow cancels it
 * unless another cascade still waits for it, and says which; stacks still waiting are cancelled.
 */
async function releaseRuns(state: CascadeState, runs: SharedRuns): Promise<void> {
  for (const { unitId, runId, reason } of await runs.releaseAll()) {
    // A run assigned while the cascade was being cancelled is recorded first, so the audit trail has it.
    const assignment = runs.assignmentOf(unitId);
    if (state.get(unitId)?.state === 'triggering' && assignment && !('error' in assignment)) recordAssignment(state, assignment);
    state.cancel(unitId, reason, runId);
  }
  state.cancelWaiting();
  await state.reporter.settled();
}

async function stopRun(stack: StackStatus): Promise<string> {
  try {
    const { state } = await cancelRun({ stackId: stack.id, runId: stack.runId as string });
    return `run ${state}`;
  } catch (err) {
    return `not cancelled: ${causeMessage(err)}`;
  }
}

/** Why a stack whose parents all settled must not run, or undefined when every edge fires. */
function blockingReason(parents: Edge[], outcomeOf: (id: string) => Outcome | undefined): string | undefined {
  for (const edge of parents) {
    const outcome = outcomeOf(edge.parent);
    if (!outcome) return `upstream ${edge.parent} did not run`;
    if (outcome.state === 'SKIPPED') return `upstream ${edge.parent} skipped`;
    if (!edge.states.includes(outcome.state)) return `upstream ${edge.parent} ${outcome.state}`;
    if (edge.when === 'changed' && !changedResources(outcome.delta)) return `upstream ${edge.parent} changed no resources`;
  }
  return undefined;
}

function changedResources(delta: RunDelta | null): boolean {
  return delta !== null && delta.added + delta.changed + delta.deleted > 0;
}
