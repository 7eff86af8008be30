/** CascadeWorkflow's input, signals, query and result: plain data shared with the webhook and the CLI. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Blackout } from '../cascade/blackout';
import type { NotifyChannel, NotifyEvent } from '../notify/types';
import type { RunDelta } from '../platform/types';

export const CASCADE_WORKFLOW_TYPE = 'CascadeWorkflow';
export const RUN_MONITOR_WORKFLOW_TYPE = 'RunMonitorWorkflow';

export interface CascadeOptions {
  /** Runs in flight at once in this cascade (default 10). */
  maxInFlight?: number;
  /** A triggered run that reaches no terminal state in this time is TIMED_OUT (default 4 h). */
  runTimeoutMs?: number;
  /** How long a stack marked `cascade:approval` waits for approve/reject (default 24 h). */
  approvalTimeoutMs?: number;
  /** Maintenance windows: triggers due inside one wait until it ends. */
  blackouts?: Blackout[];
  /** `changed` makes every edge without `when:` fire only when its upstream changed resources. */
  globalWhen?: 'always' | 'changed';
  /** First poll of a run's state when no webhook arrives (default 60 s); doubles up to pollMaxMs (default 10 min). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** How long discovering and planning the graph may take, Spacelift outages included (default 1 h). */
  planTimeoutMs?: number;
  /** Attempts of each trigger (default 3); a stack's `cascadeRetries:<n>` label overrides it. */
  triggerAttempts?: number;
}

export interface CascadeInput {
  stack_id: string;
  run_id?: string;
  /** The root run's final state (default FINISHED). */
  run_state?: string;
  run_delta?: RunDelta | null;
  options?: CascadeOptions;
}

export type StackState =
  | 'pending'
  | 'waiting_for_parents'
  | 'waiting_for_approval'
  | 'waiting_for_window'
  | 'waiting_for_slot'
  | 'waiting_for_retry'
  | 'triggering'
  | 'running'
  | 'finished'
  | 'failed'
  | 'skipped'
  | 'cancelled';

/**
 * The states in which a stack waits on something: its parents, an approval, a concurrency slot, a maintenance window,
 * the trigger, its run. The stuck-work gauge reports the oldest stack in each.
 */
export const WAIT_STATES = [
  'waiting_for_parents',
  'waiting_for_approval',
  'waiting_for_slot',
  'waiting_for_window',
  'waiting_for_retry',
  'triggering',
  'running',
] as const;
export type WaitState = (typeof WAIT_STATES)[number];

export interface StackStatus {
  id: string;
  name: string;
  wave: number;
  /** The units it runs after inside this cascade (the root included); absent in cascades started before it was kept. */
  parents?: string[];
  state: StackState;
  /** Why it was skipped/failed, or what it waits for. */
  reason?: string;
  runId?: string;
  /** The Spacelift run state last seen (FINISHED, FAILED, TIMED_OUT…). */
  runState?: string;
  approvedBy?: string;
  /** Set when this cascade joined a run that another cascade triggered (it had not started): that cascade's ID. */
  sharedFrom?: string;
  /** The attempt of its current run when the stack retries failed runs (`cascadeRunRetries:<n>`): 2, 3 …; absent: 1. */
  attempt?: number;
  /** Every state the stack has been in, with the workflow time (ISO 8601) it entered it: where its time went. */
  timeline?: { state: StackState; at: string }[];
  /** When the run was first seen past QUEUED/READY (workflow time, ISO 8601): before it, the run was queued. */
  runStartedAt?: string;
}

/** What the cascade decided about a stack; `finished` records the outcome of a run it triggered. */
export type DecisionKind = 'triggered' | 'joined' | 'retried' | 'finished' | 'failed' | 'skipped' | 'approved' | 'rejected' | 'cancelled';

/** One entry of the audit trail, kept in the status and written to the audit log (AUDIT_LOG_PATH). */
export interface Decision {
  /** Workflow time, ISO 8601. */
  at: string;
  stackId: string;
  decision: DecisionKind;
  reason?: string;
  /** Who approved or rejected. */
  by?: string;
  runId?: string;
}

/** A notification that was sent, or that failed for good (channels not configured or events not selected are left out). */
export interface NotificationRecord {
  at: string;
  event: NotifyEvent;
  channel: NotifyChannel;
  stackId?: string;
  delivered: boolean;
  error?: string;
}

export interface CascadeStatus {
  root: string;
  rootRunId?: string;
  stacks: StackStatus[];
  cycles: string[][];
  done: boolean;
  /** Every decision in the order it was taken. */
  decisions: Decision[];
  notifications: NotificationRecord[];
}

export interface ApprovalSignal {
  stackId: string;
  by?: string;
  reason?: string;
}

/** A run-state webhook routed to the monitor waiting for that run (fast path). */
export interface RunStateSignal {
  state: string;
  stateVersion?: number;
  delta?: RunDelta | null;
  /** The webhook carries no resource counts (HCP Terraform): the monitor reads them from the run once it ended. */
  deltaUnknown?: boolean;
}

export interface RunMonitorInput {
  stack_id: string;
  run_id: string;
  timeout_ms: number;
  poll_initial_ms: number;
  poll_max_ms: number;
}

export interface RunMonitorResult {
  state: string;
  delta: RunDelta | null;
  /** How the final state was learned. */
  via: 'webhook' | 'poll' | 'timeout';
  /** TIMED_OUT only: the state the run was last seen in; it was left running in Spacelift. */
  lastState?: string;
  /** Epoch ms (workflow time) when the run was first seen past QUEUED/READY, by webhook or poll. */
  startedAt?: number;
}

export const approveSignal = defineSignal<[ApprovalSignal]>('approve');
export const rejectSignal = defineSignal<[ApprovalSignal]>('reject');
export const runStateSignal = defineSignal<[RunStateSignal]>('runState');
export const cascadeStatusQuery = defineQuery<CascadeStatus>('cascadeStatus');

/** `spacelift-run-<runId>`, or `tfc-run-<runId>` for a run of an HCP Terraform workspace. */
