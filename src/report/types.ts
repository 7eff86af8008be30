/** What `spacelift-cascade report` reads, computes and renders. Plain data: the JSON format is this, serialized. */
import type { CascadeStatus, StackState, WaitState } from '../workflows/cascade-types';

/** How a cascade's workflow ended (or that it still runs), from Temporal's execution status and its result. */
export type CascadeOutcome = 'completed' | 'failed' | 'cancelled' | 'running' | 'terminated' | 'timed_out' | 'error';

/** One cascade as read: the execution from Temporal visibility and its status, when it could be read. */
export interface CascadeRecord {
  workflowId: string;
  /** Temporal's execution status name: RUNNING, COMPLETED, CANCELLED, TERMINATED, FAILED, TIMED_OUT… */
  execution: string;
  startedAt: number;
  closedAt?: number;
  status?: CascadeStatus;
  /** Where the stacks came from: the workflow itself, or the audit log when Temporal could not say. */
  source: 'temporal' | 'audit' | 'none';
  /** Why there is no status (no worker answered the query…). */
  unreadable?: string;
}

/** Where one stack's time went in one cascade, in ms. */
export interface StackSplit {
  parents: number;
  approval: number;
  slot: number;
  window: number;
  triggering: number;
  /** From the trigger until the run was first seen started (QUEUED/READY in Spacelift). */
  queued: number;
  running: number;
  /** Between a FAILED run and its retry (`cascadeRunRetries:<n>`). */
  retry: number;
}

export const SPLIT_KEYS = ['parents', 'approval', 'slot', 'window', 'triggering', 'queued', 'running', 'retry'] as const;
export type SplitKey = (typeof SPLIT_KEYS)[number];

/** One time segment of a stack, for timelines. */
export interface Segment {
  kind: SplitKey;
  from: number;
  to: number;
}

export interface StackTimes {
  id: string;
  state: StackState;
  reason?: string;
  runId?: string;
  /** Triggered for this cascade, or joined another cascade's run. */
  run?: 'triggered' | 'joined';
  parents: string[];
  wave: number;
  /** Entered its first state; left waiting for its parents; settled (absent while it is not). */
  startedAt: number;
  activeAt: number;
  endedAt?: number;
  split: StackSplit;
  segments: Segment[];
  /** When it entered the state it is in, and that state, while it has not settled. */
  waitingSince?: { state: WaitState; at: number };
}

export interface CascadeSummary {
  workflowId: string;
  root: string;
  outcome: CascadeOutcome;
  source: CascadeRecord['source'];
  startedAt: number;
  endedAt?: number;
  durationMs: number;
  stacks: StackTimes[];
  /** The longest chain of stack durations through the graph, root first, and its length. */
  criticalPath: { stacks: string[]; durationMs: number };
  /** How long other stacks of this cascade waited for each stack (ms, by stack ID). */
  blocking: Record<string, number>;
}

export interface StuckCascade {
  workflowId: string;
  root: string;
  startedAt: number;
  ageMs: number;
}

export interface StuckStack {
  workflowId: string;
  stackId: string;
  state: WaitState;
  since: number;
  ageMs: number;
  reason: string;
}

export interface StackRow {
  id: string;
  cascades: number;
  triggered: number;
  joined: number;
  finished: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** finished / (finished + failed); null when the stack never ended a run. */
  successRate: number | null;
  /** Time in Spacelift (queued + running) of the runs that ended, ms. */
  runP50: number | null;
  runP95: number | null;
  queuedMean: number | null;
  /** Time other stacks spent waiting for this one, summed over the window, and in how many cascades. */
  blockedOthersMs: number;
  blockedCascades: number;
}

export interface Report {
  schemaVersion: 1;
  generatedAt: string;
  window: { since: string; until: string; root?: string };
  stuckAfterMs: number;
  cascades: {
    total: number;
    byOutcome: Partial<Record<CascadeOutcome, number>>;
    unreadable: number;
    fromAuditLog: number;
    durationP50: number | null;
    durationP95: number | null;
  };
  /** The slowest cascades of the window, with their critical paths (at most `top`). */
  slowest: CascadeSummary[];
  stacks: StackRow[];
  slowestStacks: StackRow[];
  mostBlocking: StackRow[];
  stuck: { cascades: StuckCascade[]; stacks: StuckStack[]; moreCascades: number; moreStacks: number };
  notes: string[];
}
