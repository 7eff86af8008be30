import type { CascadeOutcome, CascadeRecord, CascadeSummary, StackTimes } from './types';
import { stackTimes } from './stack-times';

const OUTCOME_OF_EXECUTION: Record<string, CascadeOutcome> = {
  RUNNING: 'running',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  FAILED: 'error',
  CONTINUED_AS_NEW: 'completed',
};

/**
 * One cascade: duration, outcome, where each stack's time went, the critical path (the chain of stacks whose own
 * times add up to the most) and how long the stacks waited for each other.
 */
export function analyzeCascade(record: CascadeRecord, asOf: number): CascadeSummary {
  const status = record.status;
  const runs = new Map<string, 'triggered' | 'joined'>();
  for (const decision of status?.decisions ?? []) {
    if (decision.decision === 'triggered' || decision.decision === 'joined') runs.set(decision.stackId, decision.decision);
  }
  const stacks = (status?.stacks ?? []).filter((stack) => stack.wave >= 0).map((stack) => stackTimes(stack, asOf, runs));
  const endedAt = record.closedAt;
  return {
    workflowId: record.workflowId,
    root: status?.root ?? '',
    outcome: outcomeOf(record),
    source: record.source,
    startedAt: record.startedAt,
    ...(endedAt !== undefined ? { endedAt } : {}),
    durationMs: Math.max(0, (endedAt ?? asOf) - record.startedAt),
    stacks,
    criticalPath: criticalPath(stacks, asOf),
    blocking: blocking(stacks, asOf),
  };
}

function outcomeOf(record: CascadeRecord): CascadeOutcome {
  if (record.execution === 'COMPLETED') return record.status?.stacks.some((stack) => stack.state === 'failed') ? 'failed' : 'completed';
  return OUTCOME_OF_EXECUTION[record.execution] ?? 'error';
}

/** A stack's own time: from leaving its wait for parents until it settled (or asOf). */
const ownTime = (stack: StackTimes, asOf: number) => Math.max(0, (stack.endedAt ?? asOf) - stack.activeAt);

/** Longest path by own times through the parents graph; ties go to the stack ID first in code-unit order. */
function criticalPath(stacks: readonly StackTimes[], asOf: number): CascadeSummary['criticalPath'] {
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));
  const best = new Map<string, { total: number; via?: string }>();
  const ordered = [...stacks].sort((a, b) => a.wave - b.wave || (a.id < b.id ? -1 : 1));
  for (const stack of ordered) {
    let via: string | undefined;
    let before = 0;
    for (const parent of [...stack.parents].sort()) {
      const total = best.get(parent)?.total;
      if (total !== undefined && total > before) [before, via] = [total, parent];
    }
    best.set(stack.id, { total: before + ownTime(stack, asOf), ...(via ? { via } : {}) });
  }
  let end: string | undefined;
  let longest = -1;
  for (const stack of ordered) {
    const total = best.get(stack.id)?.total ?? 0;
    if (total > longest) [longest, end] = [total, stack.id];
  }
  const path: string[] = [];
  for (let id = end; id !== undefined && byId.has(id); id = best.get(id)?.via) path.unshift(id);
  return { stacks: path, durationMs: Math.max(0, longest) };
}

/**
 * Time the stacks waited for each other. A stack's wait for its parents is charged to whoever held it up at each
 * moment: the parent that settled last, while that parent was itself at work (approval, slot, window, its run);
 * before that, to that parent's own blocker, and so on up the chain. So a slow stack is charged for every stack
 * below it that waited, and a stack that merely waited in turn is not.
 */
function blocking(stacks: readonly StackTimes[], asOf: number): Record<string, number> {
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));
  const charged: Record<string, number> = {};
  const endOf = (stack: StackTimes) => stack.endedAt ?? asOf;
  for (const waiter of stacks) {
    const waitFrom = waiter.startedAt;
    let until = waiter.activeAt;
    let current: StackTimes | undefined = waiter;
    for (let hops = 0; current && until > waitFrom && hops <= stacks.length; hops++) {
      const blocker = lastToSettle(current, byId, endOf);
      if (!blocker) break;
      const from = Math.max(waitFrom, blocker.activeAt);
      const to = Math.min(until, endOf(blocker));
      if (to > from) charged[blocker.id] = (charged[blocker.id] ?? 0) + (to - from);
      until = Math.min(until, blocker.activeAt);
      current = blocker;
    }
  }
  return charged;
}

function lastToSettle(stack: StackTimes, byId: ReadonlyMap<string, StackTimes>, endOf: (s: StackTimes) => number): StackTimes | undefined {
  let last: StackTimes | undefined;
  for (const id of [...stack.parents].sort()) {
    const parent = byId.get(id);
    if (parent && (!last || endOf(parent) > endOf(last))) last = parent;
  }
  return last;
}
