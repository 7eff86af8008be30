/**
 * The messages between cascades and StackRunsWorkflow, the one workflow per stack (or workspace) that triggers its
 * runs for every graph cascade: plain data shared by workflow code, the activities and the CLI.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RunDelta } from '../platform/types';

export const STACK_RUNS_WORKFLOW_TYPE = 'StackRunsWorkflow';

export interface StackRunsInput {
  unit_id: string;
  /** The runs the unit's previous execution triggered (its result), which a retried trigger must never adopt. */
  recent_runs?: string[];
}

/** What an execution ends with: the newest runs it (or the one before it) triggered, for the next execution. */
export interface StackRunsResult {
  recentRuns: string[];
}

/** How the monitor of a run watches it (the options of the cascade whose request triggered the run). */
export interface MonitorSettings {
  timeout_ms: number;
  poll_initial_ms: number;
  poll_max_ms: number;
}

/** A cascade wants a run of this unit: a new one, or one another cascade triggered that has not started yet. */
export interface RunRequest {
  /** The requesting cascade's workflow ID: replies go there, and it names the request (one per cascade and unit). */
  cascadeId: string;
  triggerAttempts: number;
  monitor: MonitorSettings;
  /** 1, or the retry of a run that FAILED (`cascadeRunRetries:<n>`): 2, 3 …; echoed in the answers. */
  attempt?: number;
}

/** A cancelled cascade gives up its claim on the unit's run; the run is stopped if no other cascade shares it. */
export interface RunRelease {
  cascadeId: string;
}

/** The answer to a RunRequest: the run, or why there is none. */
export type RunAssignment =
  | {
      unitId: string;
      runId: string;
      /** The run's state when it was assigned (QUEUED, READY …). */
      runState: string;
      /** The cascade whose request triggered the run; another cascade's ID means this one joined it. */
      triggeredFor: string;
      attempt?: number;
    }
  | { unitId: string; error: string; attempt?: number };

/** The run a cascade waits for has ended (or timed out: TIMED_OUT with the state it was last seen in). */
export interface RunEnd {
  unitId: string;
  runId: string;
  /** The attempt of the receiving cascade's request that this run answered (1 unless the stack was retried). */
  attempt?: number;
  state: string;
  delta: RunDelta | null;
  lastState?: string;
  /** Epoch ms when the run was first seen past QUEUED/READY. */
  startedAt?: number;
  /** The monitor failed (the run is gone, say): the reason, and state FAILED. */
  error?: string;
}

/** The answer to a RunRelease: what became of the unit's run, for the cancelled cascade's status. */
export interface RunReleased {
  unitId: string;
  runId?: string;
  /** `run CANCELED`, `not cancelled: …`, `run continues for cascade-…`, or `cancelled before its trigger`. */
  reason: string;
}

export interface StackRunsStatus {
  unitId: string;
  /** Runs this workflow triggered whose end it has not seen yet, with the cascades that wait for each. */
  runs: { runId: string; triggeredFor: string; cascades: string[]; joinable: boolean }[];
  /** Requests and releases not handled yet. */
  queued: number;
}

export const requestRunSignal = defineSignal<[RunRequest]>('requestRun');
export const releaseRunSignal = defineSignal<[RunRelease]>('releaseRun');
export const runAssignedSignal = defineSignal<[RunAssignment]>('runAssigned');
export const runEndedSignal = defineSignal<[RunEnd]>('runEnded');
export const runReleasedSignal = defineSignal<[RunReleased]>('runReleased');
export const stackRunsQuery = defineQuery<StackRunsStatus>('stackRuns');
