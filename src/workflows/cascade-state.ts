/**
 * What a CascadeWorkflow knows (deterministic workflow code): every stack's status, the outcomes its children see,
 * the approvals received. Each method changes the state and records the decision it stands for, so the steps in
 * cascade.ts read as the flow and this class as the bookkeeping.
 */
import type { CascadePlan } from '../cascade/types';
import type { CascadeReporter } from './cascade-reporting';
import type { ApprovalSignal, CascadeStatus, StackState, StackStatus } from './cascade-types';
import { cascadeMetrics } from './sinks';
import { WaitingStacks } from './waiting-stacks';
import type { RunDelta } from '../platform/types';

/** The final outcome of a stack, as its children see it. */
export interface Outcome {
  state: string;
  delta: RunDelta | null;
}

export type Approval = Omit<ApprovalSignal, 'stackId'> & { approved: boolean };

/** Workflow time, ISO 8601 (Date.now() is deterministic in workflow code). */
const now = () => new Date(Date.now()).toISOString();

/** Settled states: nothing more happens to the stack in this cascade. */
const SETTLED: ReadonlySet<StackState> = new Set(['finished', 'failed', 'skipped', 'cancelled']);

export class CascadeState {
  private readonly stacks = new Map<string, StackStatus>();
  private readonly outcomes = new Map<string, Outcome>();
  private readonly approvals = new Map<string, Approval>();
  private readonly waiting = new WaitingStacks();
  private cycles: string[][] = [];
  private done = false;

  constructor(
    private readonly root: string,
    private readonly rootRunId: string | undefined,
    rootOutcome: Outcome,
  ) {
    this.outcomes.set(root, rootOutcome);
  }

  /** Set once, right after construction: the reporter reads the stacks back through `notificationStacks()`. */
  reporter!: CascadeReporter;

  /** Every planned stack starts pending; stacks on or below a cycle are skipped with the reason. */
  load(plan: CascadePlan): void {
    this.cycles = plan.cycles;
    const at = now();
    for (const stack of plan.stacks) {
      const parents = [...new Set(stack.parents.map((edge) => edge.parent))];
      this.stacks.set(stack.id, {
        id: stack.id,
        name: stack.name,
        wave: stack.wave,
        parents,
        state: 'pending',
        timeline: [{ state: 'pending', at }],
      });
    }
    for (const { id, reason } of plan.excluded) {
      this.stacks.set(id, { id, name: id, wave: -1, state: 'skipped', reason, timeline: [{ state: 'skipped', at }] });
      this.reporter.decide(id, 'skipped', { reason });
    }
  }

  get(id: string): StackStatus | undefined {
    return this.stacks.get(id);
  }

  /** Changes a stack's status; a new state is added to its timeline with the workflow time. */
  update(id: string, patch: Partial<StackStatus>): void {
    const current = this.stacks.get(id);
    if (!current) return;
    const moved = patch.state !== undefined && patch.state !== current.state;
    const timeline = moved ? [...(current.timeline ?? []), { state: patch.state as StackState, at: now() }] : current.timeline;
    this.stacks.set(id, { ...current, ...patch, ...(timeline ? { timeline } : {}) });
    if (moved) this.reportWaits(this.waiting.move(id, current.state, patch.state as StackState, Date.now()));
  }

  /** To the stuck-work gauge, through a sink: no command in the history, so any cascade may report. */
  private reportWaits(oldest: ReturnType<WaitingStacks['move']>): void {
    if (oldest) cascadeMetrics.oldestWaits(oldest);
  }

  outcomeOf(id: string): Outcome | undefined {
    return this.outcomes.get(id);
  }

  /** The stack is done: its children may now decide, and the decision is recorded. */
  settle(id: string, outcome: Outcome, patch: Partial<StackStatus> & { state: 'finished' | 'failed' | 'skipped' }): void {
    this.outcomes.set(id, outcome);
    this.update(id, patch);
    this.reporter.decide(id, patch.state, { reason: patch.reason, runId: this.stacks.get(id)?.runId });
  }

  skip(id: string, reason: string): void {
    this.settle(id, { state: 'SKIPPED', delta: null }, { state: 'skipped', reason });
  }

  answer(stackId: string, approval: Approval): void {
    this.approvals.set(stackId, approval);
  }

  approvalOf(stackId: string): Approval | undefined {
    return this.approvals.get(stackId);
  }

  /** A trigger is out: its run is not known yet, so cancellation must wait for it before it can stop the run. */
  isTriggering(): boolean {
    return [...this.stacks.values()].some((stack) => stack.state === 'triggering');
  }

  /** Stacks whose run this cascade triggered and has not seen end. */
  runsInFlight(): StackStatus[] {
    return [...this.stacks.values()].filter((stack) => stack.state === 'running' && stack.runId !== undefined);
  }

  /** On cancellation: every stack that has no run and has not settled is cancelled. Returns their IDs. */
  cancelWaiting(): string[] {
    const cancelled: string[] = [];
    for (const stack of this.stacks.values()) {
      if (SETTLED.has(stack.state) || stack.state === 'running') continue;
      this.cancel(stack.id, 'cascade cancelled');
      cancelled.push(stack.id);
    }
    return cancelled;
  }

  cancel(id: string, reason: string, runId?: string): void {
    this.update(id, { state: 'cancelled', reason, ...(runId ? { runId } : {}) });
    this.reporter.decide(id, 'cancelled', { reason, runId: this.stacks.get(id)?.runId });
  }

  end(): void {
    this.done = true;
    this.reportWaits(this.waiting.clear());
  }

  anyFailed(): boolean {
    return [...this.stacks.values()].some((stack) => stack.state === 'failed');
  }

  notificationStacks() {
    return [...this.stacks.values()].map(({ id, state, reason, runId }) => ({
      id,
      state,
      ...(reason ? { reason } : {}),
      ...(runId ? { runId } : {}),
    }));
  }

  snapshot(): CascadeStatus {
    return {
      root: this.root,
      ...(this.rootRunId ? { rootRunId: this.rootRunId } : {}),
      stacks: [...this.stacks.values()].map((s) => ({ ...s })),
      cycles: this.cycles,
      done: this.done,
      decisions: [...this.reporter.decisions],
      notifications: [...this.reporter.notifications],
    };
  }
}
