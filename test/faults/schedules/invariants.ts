/**
 * The invariants every case must keep, whatever its graph and schedule. Each returns the violations it finds, as
 * sentences naming the cascade, stack and run; none is an assertion on timing.
 */
import type { Decision, StackStatus } from '../../../src/workflows/cascade-types';
import type { CaseGraph, EdgeSpec, FaultCase } from './model';
import { deltaOf, type Observation } from './observation';
import {
  TERMINAL,
  activities,
  createdAt,
  failedTriggers,
  settlingDecision,
  stackOf,
  startedAt,
  startedCascades,
  triggeredBy,
} from './evidence';

/** CASCADE_TRIGGER_ATTEMPTS' default: the suite's stacks carry no `cascadeRetries:<n>`. */
const TRIGGER_ATTEMPTS = 3;

export type Invariant = (c: FaultCase, o: Observation) => string[];

/**
 * No stack is triggered twice in one cascade, and no run is triggered twice across overlapping cascades unless its
 * earlier run had already started. Per cascade: at most one run (triggered or joined) per stack. Per run: at most
 * one cascade says it triggered it, and a joined run is one another cascade triggered. Per stack: of two runs that
 * cascades triggered, the earlier had been seen past QUEUED/READY (by a poll, a webhook or a cancel) before the
 * later was created, unless the check whether it had started could not read its state (an outage longer than that
 * read's deadline, JOIN_CHECK_DEADLINE).
 */
export function noRunTriggeredTwice(_c: FaultCase, o: Observation): string[] {
  const violations: string[] = [];
  const claims = triggeredBy(o);
  for (const cascade of startedCascades(o)) {
    const runsPerStack = new Map<string, string[]>();
    for (const d of cascade.status.decisions) {
      if ((d.decision === 'triggered' || d.decision === 'joined') && d.runId)
        runsPerStack.set(d.stackId, [...(runsPerStack.get(d.stackId) ?? []), d.runId]);
      if (d.decision === 'joined' && d.runId && !(claims.get(d.runId) ?? []).some((id) => id !== cascade.workflowId)) {
        violations.push(`${cascade.label} joined run ${d.runId} of ${d.stackId}, which no other cascade triggered`);
      }
    }
    for (const [stackId, runs] of runsPerStack)
      if (runs.length > 1) violations.push(`${cascade.label} has ${runs.length} runs of ${stackId}: ${runs.join(', ')}`);
  }
  for (const [runId, cascades] of claims)
    if (cascades.length > 1) violations.push(`run ${runId} is claimed as triggered by ${cascades.join(' and ')}`);

  const created = createdAt(o);
  const stacks = new Set(o.runs.map((r) => r.stackId));
  for (const stackId of stacks) {
    const claimed = o.runs.filter((r) => r.stackId === stackId && claims.has(r.id));
    for (let i = 1; i < claimed.length; i++) {
      const earlier = claimed[i - 1]?.id;
      const later = claimed[i]?.id;
      const laterAt = created.get(later) ?? Infinity;
      const started = startedAt(o, earlier);
      if (started !== undefined && started < laterAt) continue;
      if (joinCheckFailed(o, stackId, earlier, laterAt)) continue;
      violations.push(`${stackId}: run ${later} was triggered while run ${earlier} had not started (${describeRun(o, earlier)})`);
    }
  }
  return violations;
}

/** StackRunsWorkflow's read of the run's state (before joining it) gave up: its last call failed before `before`. */
function joinCheckFailed(o: Observation, stackId: string, runId: string, before: number): boolean {
  return activities(
    o.calls,
    (call) => call.workflowId === `stack-runs-${stackId}` && call.method === 'getRun' && call.runId === runId,
  ).some((calls) => {
    const last = calls.reduce((a, b) => (b.seq > a.seq ? b : a));
    return last.error !== undefined && last.end < before;
  });
}

/**
 * A cancelled cascade leaves no run behind: every run it triggered or joined has ended, or had a cancel/discard
 * requested; a run it left to another cascade (`run continues for …`) is that cascade's run too, which watched it to
 * its end. Every run of the case is one a cascade knows it triggered: none is created after a cascade's cancellation
 * completed, nor lost, except the run of a trigger whose every attempt failed after Spacelift had created it (its
 * answer lost, and the look-up for it failing too).
 */
export function cancelledCascadesLeaveNoRunBehind(_c: FaultCase, o: Observation): string[] {
  const violations: string[] = [];
  const cascades = startedCascades(o);
  for (const cascade of cascades.filter((x) => x.end === 'cancelled')) {
    for (const stack of cascade.status.stacks.filter((s) => s.runId)) {
      const run = o.runs.find((r) => r.id === stack.runId);
      const cancelAsked = o.calls.some((call) => call.method === 'cancelRun' && call.runId === stack.runId);
      if (!run) violations.push(`${cascade.label}: ${stack.id} names run ${stack.runId}, which Spacelift does not have`);
      else if (!TERMINAL.has(run.state) && !cancelAsked)
        violations.push(`${cascade.label} was cancelled; run ${run.id} of ${stack.id} is ${run.state} and nobody asked to cancel it`);
      const sharedWith = /^run continues for (.+)$/.exec(stack.reason ?? '')?.[1]?.split(', ') ?? [];
      for (const other of sharedWith) {
        const otherStatus = cascades.find((x) => x.workflowId === other)?.status;
        if (!otherStatus || stackOf(otherStatus, stack.id)?.runId !== stack.runId) {
          violations.push(`${cascade.label} left run ${stack.runId} of ${stack.id} to ${other}, which does not have it`);
        }
      }
    }
    const after = cascade.status.decisions.filter(
      (d) => d.decision === 'triggered' && (createdAt(o).get(d.runId ?? '') ?? 0) > cascade.endedSeq,
    );
    for (const d of after) violations.push(`${cascade.label}: run ${d.runId} of ${d.stackId} was created after the cancellation completed`);
  }
  const claims = triggeredBy(o);
  const created = createdAt(o);
  for (const run of o.runs.filter((r) => !claims.has(r.id))) {
    const at = created.get(run.id) ?? -1;
    const lostByFailedTrigger = failedTriggers(o, run.stackId, TRIGGER_ATTEMPTS).some((calls) =>
      calls.some((call) => call.method === 'triggerRun' && call.error !== undefined && call.seq < at && at < call.end),
    );
    if (!lostByFailedTrigger)
      violations.push(`run ${run.id} of ${run.stackId} (${run.state}) was created, but no cascade says it triggered it`);
  }
  return violations;
}

/**
 * No stack fails because of an outage shorter than its deadline. The schedule's outages add up to less than the
 * plan's deadline (an hour of backoff) and the run's (4 h), so no read may fail: no cascade fails, and a stack fails
 * only because its run FAILED (its drawn outcome) or because its trigger failed on every one of its 3 attempts.
 * A cascade ends cancelled only when a cancel was requested.
 */
export function noFailureFromShortOutages(c: FaultCase, o: Observation): string[] {
  const violations: string[] = [];
  for (const cascade of startedCascades(o)) {
    if (cascade.end === 'failed') violations.push(`${cascade.label} failed: ${cascade.error}`);
    const cancelAsked = o.events.some(
      (e) => e.kind === 'step' && e.step.kind === 'cancel' && e.step.cascade === cascade.label && e.effect === 'requested',
    );
    if (cascade.end === 'cancelled' && !cancelAsked) violations.push(`${cascade.label} ended cancelled, but nobody cancelled it`);
    for (const stack of cascade.status.stacks.filter((s) => s.state === 'failed')) {
      if (stack.runId) {
        const drawn = drawnOutcome(c, o, stack.id);
        const run = o.runs.find((r) => r.id === stack.runId);
        if (stack.runState !== 'FAILED' || run?.state !== 'FAILED' || drawn?.state !== 'FAILED') {
          violations.push(
            `${cascade.label}: ${stack.id} failed (${stack.reason}); its run ${stack.runId} is ${run?.state}, drawn ${drawn?.state}`,
          );
        }
      } else if (failedTriggers(o, stack.id, TRIGGER_ATTEMPTS).length === 0) {
        const attempts = activities(o.calls, (call) => call.activityType === 'triggerStackRun' && call.stackId === stack.id);
        violations.push(
          `${cascade.label}: ${stack.id} failed (${stack.reason}) though no trigger of it failed ${TRIGGER_ATTEMPTS} times (${attempts.map((a) => a.map((x) => `#${x.attempt}${x.error ? ' failed' : ' ok'}`).join(' ')).join('; ')})`,
        );
      }
    }
  }
  return violations;
}

/**
 * Every stack's final state follows from its parents' outcomes and its edge conditions, as the README says: the
 * cascade holds exactly the stacks downstream of its root; a stack whose every edge fires runs (after its approval,
 * if it has a gate), and its state is its run's outcome; otherwise it is skipped with the reason of an edge that did
 * not fire. An approval or rejection is one that was sent to this cascade for this stack; a gate times out only if
 * the notified approver stayed silent. In a cancelled cascade a stack may instead be cancelled, and so is every
 * stack below a cancelled one; a cascade cancelled before its plan was made holds no stack at all.
 */
export function statesFollowTheGraph(c: FaultCase, o: Observation): string[] {
  const violations: string[] = [];
  for (const cascade of startedCascades(o)) {
    const rootName = cascade.label === 'A' ? 'a' : 'b';
    const planned = plannedStacks(c.graph, rootName);
    const inStatus = cascade.status.stacks.map((s) => s.id).sort();
    const expected = planned.map((name) => o.ids[name]).sort();
    const cancelledWhilePlanning = cascade.end === 'cancelled' && inStatus.length === 0;
    if (!cancelledWhilePlanning && JSON.stringify(inStatus) !== JSON.stringify(expected))
      violations.push(`${cascade.label} holds ${inStatus.join(', ')}; downstream of its root: ${expected.join(', ')}`);
    const root = c.graph[rootName];
    const outcomes = new Map<string, Outcome | 'cancelled'>([[rootName, { state: root.state, delta: deltaOf(root.delta) }]]);
    for (const spec of c.graph.stacks.filter((s) => planned.includes(s.name))) {
      const id = o.ids[spec.name];
      const stack = stackOf(cascade.status, id);
      if (!stack) continue;
      const edges = spec.parents.filter((e) => outcomes.has(e.parent));
      const problem = checkStack(cascade, stack, edges, outcomes, spec.approval, spec.outcome.state, o);
      if (problem) violations.push(`${cascade.label}: ${spec.name} (${id}) ${problem}`);
      outcomes.set(spec.name, outcomeOf(stack, c, spec.name));
    }
  }
  return violations;
}

type StartedCascade = ReturnType<typeof startedCascades>[number];
type Outcome = { state: string; delta: { added: number; changed: number; deleted: number } | null };

function checkStack(
  cascade: StartedCascade,
  stack: StackStatus,
  edges: EdgeSpec[],
  outcomes: Map<string, Outcome | 'cancelled'>,
  approval: string | undefined,
  drawn: string,
  o: Observation,
): string | undefined {
  const cancelledParent = edges.some((e) => outcomes.get(e.parent) === 'cancelled');
  if (stack.state === 'cancelled') return cascade.end === 'cancelled' ? undefined : 'is cancelled in a cascade nobody cancelled';
  if (cancelledParent) return `is ${stack.state}, but a parent was cancelled`;
  const blocked = edges
    .map((e) => blockingReason(e, o.ids[e.parent], outcomes.get(e.parent) as Outcome))
    .filter((r): r is string => r !== undefined);
  if (blocked.length > 0) {
    return stack.state === 'skipped' && blocked.includes(stack.reason ?? '')
      ? undefined
      : `is ${stack.state} (${stack.reason}); expected skipped: ${blocked.join(' | ')}`;
  }
  const decisions = cascade.status.decisions.filter((d) => d.stackId === stack.id);
  if (approval) {
    const gate = gateProblem(cascade, stack, decisions, approval, o);
    if (gate !== 'approved') return gate;
  } else if (decisions.some((d) => d.decision === 'approved' || d.decision === 'rejected'))
    return 'has no gate, yet an approval was recorded';
  if (stack.state === 'skipped') return `was skipped (${stack.reason}) though every edge fired`;
  if (stack.state === 'failed' && !stack.runId) return undefined; // its trigger failed: noFailureFromShortOutages judges why
  const run = o.runs.find((r) => r.id === stack.runId);
  const want = drawn === 'FINISHED' ? 'finished' : 'failed';
  if (!stack.runId || !run) return `is ${stack.state} without a run`;
  if (stack.state === 'running') return `is still running (run ${run.id}, ${run.state})`;
  if (stack.state !== want || stack.runState !== drawn || run.state !== drawn)
    return `is ${stack.state} (${stack.runState}); its run ${run.id} is ${run.state}, drawn ${drawn}`;
  return undefined;
}

/** 'approved' when the stack went past its gate as it should; otherwise what is wrong (or undefined when it rightly stopped). */
function gateProblem(
  cascade: StartedCascade,
  stack: StackStatus,
  decisions: Decision[],
  approval: string,
  o: Observation,
): string | undefined {
  const answer = decisions.find((d) => d.decision === 'approved' || d.decision === 'rejected');
  const sent = o.events.filter((e) => e.kind === 'answer' && e.cascade === cascade.workflowId && e.stackId === stack.id && e.delivered);
  if (answer) {
    const match = sent.some((e) => e.kind === 'answer' && e.by === answer.by && e.approved === (answer.decision === 'approved'));
    if (!match) return `was ${answer.decision} by ${answer.by}, but no such answer was sent`;
    if (answer.decision === 'rejected')
      return stack.state === 'skipped' && /^rejected/.test(stack.reason ?? '') ? undefined : `was rejected, yet is ${stack.state}`;
    return 'approved';
  }
  if (stack.state === 'skipped' && stack.reason === 'approval timed out') {
    const notified = sent.some((e) => e.kind === 'answer' && e.by === 'notified');
    return notified || approval !== 'silent' ? `timed out at its gate, though the approver answered (${approval})` : undefined;
  }
  return `passed its gate (${stack.state}: ${stack.reason}) without an answer`;
}

function blockingReason(edge: EdgeSpec, parentId: string, outcome: Outcome): string | undefined {
  if (outcome.state === 'SKIPPED') return `upstream ${parentId} skipped`;
  if (!edge.states.includes(outcome.state as 'FINISHED')) return `upstream ${parentId} ${outcome.state}`;
  const changed = outcome.delta !== null && outcome.delta.added + outcome.delta.changed + outcome.delta.deleted > 0;
  if (edge.changed && !changed) return `upstream ${parentId} changed no resources`;
  return undefined;
}

/** What the stack's children see: its run's outcome (the drawn delta), SKIPPED, FAILED for a failed trigger, or cancelled. */
function outcomeOf(stack: StackStatus, c: FaultCase, name: string): Outcome | 'cancelled' {
  if (stack.state === 'cancelled') return 'cancelled';
  if (stack.state === 'skipped') return { state: 'SKIPPED', delta: null };
  if (!stack.runId) return { state: 'FAILED', delta: null };
  const spec = c.graph.stacks.find((s) => s.name === name);
  return { state: stack.runState ?? 'FAILED', delta: spec ? deltaOf(spec.outcome.delta) : null };
}

/** The stacks of the cascade from `root`: every stack with a parent inside it, in name (= topological) order. */
export function plannedStacks(graph: CaseGraph, root: string): string[] {
  const inside = new Set([root]);
  for (const stack of graph.stacks) if (stack.parents.some((e) => inside.has(e.parent))) inside.add(stack.name);
  return graph.stacks.map((s) => s.name).filter((name) => inside.has(name));
}

function drawnOutcome(c: FaultCase, o: Observation, stackId: string) {
  return c.graph.stacks.find((s) => o.ids[s.name] === stackId)?.outcome;
}

/**
 * The cascadeStatus query, the audit log and the workflow result agree: the result equals the query once the
 * cascade ended; the audit log holds exactly the status's decisions, in order; every stack's state is the last
 * decision that settled it, with the same run; a stack says `sharedFrom` exactly when it joined a run.
 */
export function reportsAgree(_c: FaultCase, o: Observation): string[] {
  const violations: string[] = [];
  for (const cascade of startedCascades(o)) {
    const { status, label } = cascade;
    if (cascade.result && JSON.stringify(cascade.result) !== JSON.stringify(cascade.query))
      violations.push(`${label}: the result and the cascadeStatus query differ`);
    if (!status.done) violations.push(`${label} ended, but its status says done: false`);
    const audit = cascade.audit.map(({ at, stackId, decision, reason, by, runId }) => ({ at, stackId, decision, reason, by, runId }));
    const decisions = status.decisions.map(({ at, stackId, decision, reason, by, runId }) => ({
      at,
      stackId,
      decision,
      reason,
      by,
      runId,
    }));
    if (JSON.stringify(audit) !== JSON.stringify(decisions)) {
      violations.push(`${label}: the audit log (${audit.length} lines) differs from the status decisions (${decisions.length})`);
    }
    if (cascade.audit.some((r) => r.root !== cascade.root)) violations.push(`${label}: an audit line names another root`);
    for (const stack of status.stacks) {
      const last = settlingDecision(status.decisions, stack.id);
      if (!last) violations.push(`${label}: ${stack.id} is ${stack.state}, and no decision settled it`);
      else if (last.decision !== stack.state)
        violations.push(`${label}: ${stack.id} is ${stack.state}, but the last decision says ${last.decision}`);
      else if (stack.runId && last.runId !== undefined && last.runId !== stack.runId)
        violations.push(`${label}: ${stack.id} has run ${stack.runId}, its decision ${last.runId}`);
      const joined = status.decisions.find((d) => d.stackId === stack.id && d.decision === 'joined');
      const triggered = status.decisions.find((d) => d.stackId === stack.id && d.decision === 'triggered');
      if (Boolean(joined) !== Boolean(stack.sharedFrom))
        violations.push(
          `${label}: ${stack.id} sharedFrom ${stack.sharedFrom ?? 'unset'}, joined decision ${joined ? 'present' : 'absent'}`,
        );
      const run = joined?.runId ?? triggered?.runId;
      if (run && stack.runId !== run)
        violations.push(`${label}: ${stack.id} has run ${stack.runId}, but it ${joined ? 'joined' : 'triggered'} ${run}`);
    }
  }
  return violations;
}

export const INVARIANTS: Record<string, Invariant> = {
  noRunTriggeredTwice,
  cancelledCascadesLeaveNoRunBehind,
  noFailureFromShortOutages,
  statesFollowTheGraph,
  reportsAgree,
};

function describeRun(o: Observation, runId: string): string {
  const run = o.runs.find((r) => r.id === runId);
  return `now ${run?.state ?? 'unknown'}`;
}
