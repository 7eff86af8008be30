import type { StackState, StackStatus } from '../workflows/cascade-types';
import { WAIT_STATES, type WaitState } from '../workflows/cascade-types';
import type { Segment, SplitKey, StackSplit, StackTimes } from './types';

const SETTLED: ReadonlySet<StackState> = new Set(['finished', 'failed', 'skipped', 'cancelled']);

/** Which part of the split each state's time goes to; `running` is split again at the run's start. */
const SPLIT_OF: Partial<Record<StackState, SplitKey>> = {
  pending: 'parents',
  waiting_for_parents: 'parents',
  waiting_for_approval: 'approval',
  waiting_for_slot: 'slot',
  waiting_for_window: 'window',
  triggering: 'triggering',
  running: 'running',
  waiting_for_retry: 'retry',
};

const emptySplit = (): StackSplit => ({ parents: 0, approval: 0, slot: 0, window: 0, triggering: 0, queued: 0, running: 0, retry: 0 });

/**
 * Where one stack's time went, from its timeline: each state lasts until the next one begins (the last, while the
 * stack has not settled, until `asOf`). Time in `running` before `runStartedAt` was spent queued in Spacelift; a
 * run never seen started (or a status without runStartedAt) counts as running throughout.
 */
export function stackTimes(stack: StackStatus, asOf: number, decisions: ReadonlyMap<string, 'triggered' | 'joined'>): StackTimes {
  const timeline = (stack.timeline ?? []).map((entry) => ({ state: entry.state, at: Date.parse(entry.at) }));
  const split = emptySplit();
  const segments: Segment[] = [];
  const runStartedAt = stack.runStartedAt ? Date.parse(stack.runStartedAt) : undefined;
  let activeAt: number | undefined;
  for (const [i, entry] of timeline.entries()) {
    const next = timeline[i + 1];
    const to = next ? next.at : SETTLED.has(entry.state) ? entry.at : Math.max(entry.at, asOf);
    if (activeAt === undefined && entry.state !== 'pending' && entry.state !== 'waiting_for_parents') activeAt = entry.at;
    const kind = SPLIT_OF[entry.state];
    if (!kind || to <= entry.at) continue;
    if (kind === 'running' && runStartedAt !== undefined && runStartedAt > entry.at) {
      const queuedTo = Math.min(runStartedAt, to);
      add(split, segments, 'queued', entry.at, queuedTo);
      add(split, segments, 'running', queuedTo, to);
    } else {
      add(split, segments, kind, entry.at, to);
    }
  }
  const first = timeline[0]?.at ?? asOf;
  const last = timeline[timeline.length - 1];
  const settled = last !== undefined && SETTLED.has(last.state);
  const waiting =
    last && (WAIT_STATES as readonly string[]).includes(last.state) ? { state: last.state as WaitState, at: last.at } : undefined;
  const run = decisions.get(stack.id);
  return {
    id: stack.id,
    state: stack.state,
    ...(stack.reason ? { reason: stack.reason } : {}),
    ...(stack.runId ? { runId: stack.runId } : {}),
    ...(run ? { run } : {}),
    parents: stack.parents ?? [],
    wave: stack.wave,
    startedAt: first,
    activeAt: activeAt ?? (settled ? last.at : asOf),
    ...(settled ? { endedAt: last.at } : {}),
    split,
    segments,
    ...(waiting ? { waitingSince: waiting } : {}),
  };
}

function add(split: StackSplit, segments: Segment[], kind: SplitKey, from: number, to: number): void {
  if (to <= from) return;
  split[kind] += to - from;
  const previous = segments[segments.length - 1];
  if (previous && previous.kind === kind && previous.to === from) previous.to = to;
  else segments.push({ kind, from, to });
}
