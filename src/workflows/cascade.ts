import {
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nextAllowedTime } from '../cascade/blackout';
import type { CascadePlan, Edge, PlannedStack } from '../cascade/types';
import { createCascadeReporter } from './cascade-reporting';
import { ACTIVITY_START_TO_CLOSE, TRIGGER_RETRY } from './policies';
import { RunMonitorWorkflow } from './run-monitor';
import { causeMessage, requireStackId } from './stack-execution';
import {
  approveSignal,
  cascadeStatusQuery,
  rejectSignal,
  runMonitorWorkflowId,
  type CascadeInput,
  type CascadeStatus,
  type RunDelta,
  type StackStatus,
} from './cascade-types';

const DEFAULTS = {
  maxInFlight: 10,
  runTimeoutMs: 4 * 3600_000,
  approvalTimeoutMs: 24 * 3600_000,
  pollInitialMs: 60_000,
  pollMaxMs: 10 * 60_000,
};

const { planCascade, cancelRun } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  retry: TRIGGER_RETRY,
});

/** The final outcome of a stack, as its children see it. */
interface Outcome {
  state: string;
  delta: RunDelta | null;
}

/**
 * The whole downstream graph of a finished run: waves, diamonds (a stack runs once, after every parent
 * inside the cascade finished), cycles reported and left out, run monitoring, approval gates,
 * maintenance windows, a concurrency cap, and cancellation that discards the runs it queued.
 */
export async function CascadeWorkflow(input: CascadeInput): Promise<CascadeStatus> {
  const root = requireStackId(input);
  const options = { ...DEFAULTS, ...input.options };
  // Handlers first: status queries and approvals may arrive while the graph is still being discovered.
  const status = new Map<string, StackStatus>();
  let plan: CascadePlan = { root, stacks: [], cycles: [], excluded: [], brokenReferences: [] };
  const approvals = new Map<string, { approved: boolean; by?: string; reason?: string }>();
  let finished = false;
  const reporter = createCascadeReporter({
    root,
    ...(input.run_id ? { rootRunId: input.run_id } : {}),
    stacks: () => [...status.values()].map(({ id, state, reason, runId }) => ({ id, state, ...(reason ? { reason } : {}), ...(runId ? { runId } : {}) })),
  });
  const snapshot = (done: boolean): CascadeStatus => ({
    root,
    ...(input.run_id ? { rootRunId: input.run_id } : {}),
    stacks: [...status.values()].map((s) => ({ ...s })),
    cycles: plan.cycles,
    done,
    decisions: [...reporter.decisions],
    notifications: [...reporter.notifications],
  });
  setHandler(cascadeStatusQuery, () => snapshot(finished));
  setHandler(approveSignal, ({ stackId, by }) => void approvals.set(stackId, { approved: true, ...(by ? { by } : {}) }));
  setHandler(rejectSignal, ({ stackId, by, reason }) =>
    void approvals.set(stackId, { approved: false, ...(by ? { by } : {}), ...(reason ? { reason } : {}) }),
  );

  plan = await planCascade({ stackId: root, globalWhen: options.globalWhen ?? 'always' });
  for (const stack of plan.stacks) status.set(stack.id, { id: stack.id, name: stack.name, wave: stack.wave, state: 'pending' });
  for (const { id, reason } of plan.excluded) {
    status.set(id, { id, name: id, wave: -1, state: 'skipped', reason });
    reporter.decide(id, 'skipped', { reason });
  }
  const outcomes = new Map<string, Outcome>([[root, { state: input.run_state ?? 'FINISHED', delta: input.run_delta ?? null }]]);
  const update = (id: string, patch: Partial<StackStatus>) => {
    const current = status.get(id);
    if (current) status.set(id, { ...current, ...patch });
  };
  const settle = (id: string, outcome: Outcome, patch: Partial<StackStatus> & { state: 'finished' | 'failed' | 'skipped' }) => {
    outcomes.set(id, outcome);
    update(id, patch);
    reporter.decide(id, patch.state, { reason: patch.reason, runId: status.get(id)?.runId });
  };

  // Slots: ready stacks queue for one of maxInFlight places, highest cascadePriority first.
  const waiting: PlannedStack[] = [];
  let inFlight = 0;
  const acquireSlot = async (stack: PlannedStack) => {
    waiting.push(stack);
    waiting.sort((a, b) => b.settings.priority - a.settings.priority || a.wave - b.wave || a.id.localeCompare(b.id));
    update(stack.id, { state: 'waiting_for_slot' });
    await condition(() => inFlight < options.maxInFlight && waiting[0] === stack);
    waiting.shift();
    inFlight += 1;
  };

  const runStack = async (stack: PlannedStack): Promise<void> => {
    update(stack.id, { state: 'waiting_for_parents' });
    await condition(() => stack.parents.every((edge) => outcomes.has(edge.parent)));
    const blocked = blockingReason(stack.parents, outcomes);
    if (blocked) return settle(stack.id, { state: 'SKIPPED', delta: null }, { state: 'skipped', reason: blocked });

    if (stack.settings.requiresApproval) {
      update(stack.id, { state: 'waiting_for_approval' });
      reporter.approvalNeeded(stack.id);
      const answered = await condition(() => approvals.has(stack.id), options.approvalTimeoutMs);
      const answer = approvals.get(stack.id);
      if (!answered || !answer) {
        return settle(stack.id, { state: 'SKIPPED', delta: null }, { state: 'skipped', reason: 'approval timed out' });
      }
      reporter.decide(stack.id, answer.approved ? 'approved' : 'rejected', { by: answer.by, reason: answer.reason });
      if (!answer.approved) {
        const reason = `rejected${answer.by ? ` by ${answer.by}` : ''}${answer.reason ? `: ${answer.reason}` : ''}`;
        return settle(stack.id, { state: 'SKIPPED', delta: null }, { state: 'skipped', reason });
      }
      if (answer.by) update(stack.id, { approvedBy: answer.by });
    }

    await acquireSlot(stack);
    try {
      const allowedAt = nextAllowedTime(Date.now(), options.blackouts ?? []);
      if (allowedAt > Date.now()) {
        update(stack.id, { state: 'waiting_for_window', reason: `maintenance window until ${new Date(allowedAt).toISOString()}` });
        await sleep(allowedAt - Date.now());
      }
      const run = await triggerFor(stack)({ stackId: stack.id, intentAt: Date.now() });
      update(stack.id, { state: 'running', runId: run.id, runState: run.state, reason: undefined });
      reporter.decide(stack.id, 'triggered', { runId: run.id });
      const result = await executeChild(RunMonitorWorkflow, {
        workflowId: runMonitorWorkflowId(run.id, stack.id),
        args: [{ stack_id: stack.id, run_id: run.id, timeout_ms: options.runTimeoutMs, poll_initial_ms: options.pollInitialMs, poll_max_ms: options.pollMaxMs }],
      });
      const ok = result.state === 'FINISHED';
      settle(stack.id, { state: result.state, delta: result.delta }, {
        state: ok ? 'finished' : 'failed',
        runState: result.state,
        ...(ok ? {} : { reason: result.state === 'TIMED_OUT' ? 'run timed out' : `run ${result.state}` }),
      });
      if (result.state === 'TIMED_OUT') reporter.runTimedOut(stack.id, run.id);
    } catch (err) {
      if (isCancellation(err)) throw err;
      settle(stack.id, { state: 'FAILED', delta: null }, { state: 'failed', reason: causeMessage(err) });
    } finally {
      inFlight -= 1;
    }
  };

  try {
    await Promise.all(plan.stacks.map((stack) => runStack(stack)));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      const before = new Map([...status].map(([id, stack]) => [id, stack.state]));
      await discardQueuedRuns(status);
      for (const stack of status.values()) {
        if (stack.state === 'cancelled' && before.get(stack.id) !== 'cancelled') reporter.decide(stack.id, 'cancelled', { reason: stack.reason, runId: stack.runId });
      }
      await reporter.settled();
    });
    finished = true;
    throw err;
  }
  finished = true;
  await reporter.ended();
  return snapshot(true);
}

/** Why a stack whose parents all settled must not run, or undefined when every edge fires. */
function blockingReason(parents: Edge[], outcomes: Map<string, Outcome>): string | undefined {
  for (const edge of parents) {
    const outcome = outcomes.get(edge.parent);
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

/** Per-stack retry budget from `cascadeRetries:<n>`; the activity itself is the same. */
function triggerFor(stack: PlannedStack) {
  return proxyActivities<Activities>({
    startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
    retry: { ...TRIGGER_RETRY, maximumAttempts: stack.settings.maxAttempts ?? TRIGGER_RETRY.maximumAttempts },
  }).triggerStackRun;
}

/** On cancellation: runs this cascade queued that have not ended are discarded; waiting stacks are cancelled. */
async function discardQueuedRuns(status: Map<string, StackStatus>): Promise<void> {
  await Promise.all(
    [...status.values()].map(async (stack) => {
      if (stack.state === 'running' && stack.runId) {
        const result = await cancelRun({ stackId: stack.id, runId: stack.runId }).catch((err: unknown) => `not cancelled: ${causeMessage(err)}`);
        status.set(stack.id, { ...stack, state: 'cancelled', reason: typeof result === 'string' ? result : `run ${result.state}` });
      } else if (!['finished', 'failed', 'skipped'].includes(stack.state)) {
        status.set(stack.id, { ...stack, state: 'cancelled', reason: 'cascade cancelled' });
      }
    }),
  );
}
