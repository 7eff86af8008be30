/**
 * A cascade's side of StackRunsWorkflow (deterministic workflow code): it asks each unit's workflow for a run, and
 * hears back by signal which run it got, when that run ended, and, once cancelled, what became of it.
 */
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_START_TO_CLOSE, READ_RETRY } from './policies';
import {
  releaseRunSignal,
  requestRunSignal,
  runAssignedSignal,
  runEndedSignal,
  runReleasedSignal,
  type RunAssignment,
  type RunEnd,
  type RunReleased,
  type RunRequest,
} from './stack-runs-types';
import { stackRunsWorkflowId } from './workflow-ids';

/** Starting a unit's StackRunsWorkflow is one Temporal call; this bounds how long it may take, outages included. */
const START_DEADLINE = '10m';
/** A signal fails when the unit's workflow has just ended; it is started (again) and the signal resent, this often. */
const DELIVERY_ATTEMPTS = 3;

const { startStackRuns } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: START_DEADLINE,
  retry: READ_RETRY,
});

/** Answers are kept per unit and attempt: a retried stack asks its unit's workflow again (attempt 2, 3 …). */
const key = (unitId: string, attempt = 1) => `${attempt}:${unitId}`;

export class SharedRuns {
  private readonly assignments = new Map<string, RunAssignment>();
  private readonly ends = new Map<string, RunEnd>();
  private readonly releases = new Map<string, RunReleased>();
  /** Units whose request is being sent: cancellation waits for it, so that it knows whether to release them. */
  private readonly sending = new Set<string>();
  /** Units whose request went out, with the attempt of the latest one. */
  private readonly requested = new Map<string, number>();
  private readonly cascadeId = workflowInfo().workflowId;

  /** Construct before the workflow's first await, so no answer is missed. */
  constructor() {
    setHandler(runAssignedSignal, (assignment) => void this.assignments.set(key(assignment.unitId, assignment.attempt), assignment));
    setHandler(runEndedSignal, (end) => void this.ends.set(key(end.unitId, end.attempt), end));
    setHandler(runReleasedSignal, (released) => void this.releases.set(released.unitId, released));
  }

  /** Asks for a run of `unitId` (exactly once, never cut short by cancellation) and resolves with the answer. */
  async request(unitId: string, request: Omit<RunRequest, 'cascadeId'>): Promise<RunAssignment> {
    const attempt = request.attempt ?? 1;
    this.sending.add(unitId);
    try {
      // The unit's workflow is usually not running (it ends when idle): start it first, then signal.
      await CancellationScope.nonCancellable(() => deliver(unitId, requestRunSignal, { ...request, cascadeId: this.cascadeId }, true));
      this.requested.set(unitId, attempt);
    } finally {
      this.sending.delete(unitId);
    }
    await condition(() => this.assignments.has(key(unitId, attempt)));
    return this.assignments.get(key(unitId, attempt)) as RunAssignment;
  }

  /** The answer to this cascade's latest request for `unitId`, once it has come. */
  assignmentOf(unitId: string): RunAssignment | undefined {
    return this.assignments.get(key(unitId, this.requested.get(unitId)));
  }

  async ended(unitId: string, attempt = 1): Promise<RunEnd> {
    await condition(() => this.ends.has(key(unitId, attempt)));
    return this.ends.get(key(unitId, attempt)) as RunEnd;
  }

  /**
   * On cancellation: waits for requests being sent, releases every unit whose run has not ended, and resolves once
   * each unit's workflow has said what became of its run (cancelled, shared on, or never triggered).
   */
  async releaseAll(): Promise<RunReleased[]> {
    await condition(() => this.sending.size === 0);
    const open = [...this.requested].filter(([unitId, attempt]) => !this.ends.has(key(unitId, attempt))).map(([unitId]) => unitId);
    await Promise.all(open.map((unitId) => deliver(unitId, releaseRunSignal, { cascadeId: this.cascadeId }, false)));
    await condition(() => open.every((unitId) => this.releases.has(unitId)));
    return open.map((unitId) => this.releases.get(unitId) as RunReleased);
  }
}

/**
 * Signals the unit's StackRunsWorkflow. A signal to a workflow that is not running fails without being delivered,
 * so the workflow is started (idempotently) and the signal sent again: delivered exactly once.
 */
async function deliver<T>(unitId: string, signal: SignalDefinition<[T]>, payload: T, startFirst: boolean): Promise<void> {
  const handle = getExternalWorkflowHandle(stackRunsWorkflowId(unitId));
  const start = () => startStackRuns({ unitId, taskQueue: workflowInfo().taskQueue });
  if (startFirst) await start();
  for (let attempt = 1; ; attempt++) {
    try {
      await handle.signal(signal, payload);
      return;
    } catch (err) {
      if (attempt >= DELIVERY_ATTEMPTS) throw err;
      await start();
    }
  }
}
