/**
 * A cascade's side of StackRunsWorkflow (deterministic workflow code): it asks each unit's workflow for a run, and
 * hears back by signal which run it got, when that run ended, and, once cancelled, what became of it.
 */
import {
  CancellationScope, condition, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo, type SignalDefinition,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ACTIVITY_START_TO_CLOSE, READ_RETRY } from './policies';
import {
  releaseRunSignal, requestRunSignal, runAssignedSignal, runEndedSignal, runReleasedSignal, stackRunsWorkflowId,
  type RunAssignment, type RunEnd, type RunReleased, type RunRequest,
} from './stack-runs-types';

/** Starting a unit's StackRunsWorkflow is one Temporal call; this bounds how long it may take, outages included. */
const START_DEADLINE = '10m';
/** A signal fails when the unit's workflow has just ended; it is started (again) and the signal resent, this often. */
const DELIVERY_ATTEMPTS = 3;

const { startStackRuns } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  scheduleToCloseTimeout: START_DEADLINE,
  retry: READ_RETRY,
});

export class SharedRuns {
  private readonly assignments = new Map<string, RunAssignment>();
  private readonly ends = new Map<string, RunEnd>();
  private readonly releases = new Map<string, RunReleased>();
  /** Units whose request is being sent: cancellation waits for it, so that it knows whether to release them. */
  private readonly sending = new Set<string>();
  /** Units whose request went out. */
  private readonly requested = new Set<string>();
  private readonly cascadeId = workflowInfo().workflowId;

  /** Construct before the workflow's first await, so no answer is missed. */
  constructor() {
    setHandler(runAssignedSignal, (assignment) => void this.assignments.set(assignment.unitId, assignment));
    setHandler(runEndedSignal, (end) => void this.ends.set(end.unitId, end));
    setHandler(runReleasedSignal, (released) => void this.releases.set(released.unitId, released));
  }

  /** Asks for a run of `unitId` (exactly once, never cut short by cancellation) and resolves with the answer. */
  async request(unitId: string, request: Omit<RunRequest, 'cascadeId'>): Promise<RunAssignment> {
    this.sending.add(unitId);
    try {
      // The unit's workflow is usually not running (it ends when idle): start it first, then signal.
      await CancellationScope.nonCancellable(() => deliver(unitId, requestRunSignal, { ...request, cascadeId: this.cascadeId }, true));
      this.requested.add(unitId);
    } finally {
      this.sending.delete(unitId);
    }
    await condition(() => this.assignments.has(unitId));
    return this.assignments.get(unitId) as RunAssignment;
  }

  /** The answer to this cascade's request for `unitId`, once it has come. */
  assignmentOf(unitId: string): RunAssignment | undefined {
    return this.assignments.get(unitId);
  }

  async ended(unitId: string): Promise<RunEnd> {
    await condition(() => this.ends.has(unitId));
    return this.ends.get(unitId) as RunEnd;
  }

  /**
   * On cancellation: waits for requests being sent, releases every unit whose run has not ended, and resolves once
   * each unit's workflow has said what became of its run (cancelled, shared on, or never triggered).
   */
  async releaseAll(): Promise<RunReleased[]> {
    await condition(() => this.sending.size === 0);
    const open = [...this.requested].filter((unitId) => !this.ends.has(unitId));
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
