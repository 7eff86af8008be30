/**
 * Runs one FaultCase on the shared World: adds its stacks, starts cascade A (and B), performs each step of the
 * schedule just before the Spacelift call it is anchored on, awaits every workflow of the case, and returns what
 * happened for the invariants to judge.
 */
import { CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { createMonitorRouter } from '../../../src/service/monitor-router';
import type { NotifyInput } from '../../../src/notify/types';
import type { RunDelta } from '../../../src/platform/types';
import {
  CASCADE_WORKFLOW_TYPE,
  approveSignal,
  cascadeStatusQuery,
  rejectSignal,
  type CascadeInput,
  type CascadeStatus,
} from '../../../src/workflows/cascade-types';
import type { FakeRunInfo, FakeStackSpec } from '../../support/fake-spacelift';
import { NOT_STARTED, TERMINAL } from './evidence';
import type { EdgeSpec, FaultCase, Step, TimedStep } from './model';
import { deltaOf, messages, type CascadeLabel, type CascadeObservation, type DriverEvent, type Observation } from './observation';
import type { World } from './world';
import { runMonitorWorkflowId, stackRunsWorkflowId } from '../../../src/workflows/workflow-ids';

const OPTIONS = { pollInitialMs: 1_000, pollMaxMs: 4_000 };

let cases = 0;

export function dependsOnLabel(edge: EdgeSpec, id: (name: string) => string): string {
  const states = edge.states.length === 1 && edge.states[0] === 'FINISHED' ? '' : `|state:${edge.states.join('+')}`;
  return `dependsOn:${id(edge.parent)}${states}${edge.changed ? '|when:changed' : ''}`;
}

export async function runCase(world: World, c: FaultCase): Promise<Observation> {
  const started = Date.now();
  const driver = new CaseDriver(world, c, `f${process.pid}x${++cases}`);
  try {
    return await driver.run(started);
  } finally {
    world.recorder.reset(undefined);
    world.onNotification = undefined;
    world.onRunCreated = undefined;
    world.fake.clearFaults();
    world.fake.removeStacks(Object.values(driver.ids));
  }
}

class CaseDriver {
  readonly ids: Record<string, string>;
  readonly events: DriverEvent[] = [];
  private readonly handles: Partial<Record<CascadeLabel, WorkflowHandle>> = {};
  private readonly late: { run: FakeRunInfo }[] = [];
  private readonly answered = new Set<string>();
  private readonly route;
  private readonly stackIds: string[];

  constructor(
    private readonly world: World,
    private readonly c: FaultCase,
    readonly prefix: string,
  ) {
    const names = ['a', 'b', ...c.graph.stacks.map((s) => s.name)];
    this.ids = Object.fromEntries(names.map((name) => [name, `${prefix}-${name}`]));
    this.stackIds = Object.values(this.ids);
    this.route = createMonitorRouter(world.client);
  }

  async run(started: number): Promise<Observation> {
    const { world, c } = this;
    world.fake.addStacks(this.account());
    for (const stack of c.graph.stacks) {
      world.fake.setRunOutcome(this.ids[stack.name], {
        state: stack.outcome.state,
        delta: deltaOf(stack.outcome.delta),
        afterPolls: stack.outcome.afterPolls,
      });
    }
    world.recorder.reset((index) => this.beforeCall(index));
    world.onNotification = (input) => this.notified(input);
    world.onRunCreated = ({ stackId, runId }) => void this.events.push({ seq: world.recorder.tick(), kind: 'runCreated', stackId, runId });

    await this.start('A');
    const a = await this.settle('A');
    if (c.second && !this.handles.B) await this.start('B');
    const b = await this.settle('B');
    await this.quiesce();
    for (const { run } of this.late.splice(0)) await this.webhook(run, run.state, run.delta);
    return {
      prefix: this.prefix,
      ids: this.ids,
      cascades: { A: a, B: b },
      runs: world.fake.runs().filter((run) => this.stackIds.includes(run.stackId)),
      calls: [...world.recorder.calls],
      events: [...this.events],
      ms: Date.now() - started,
    };
  }

  private account(): FakeStackSpec[] {
    const id = (name: string) => this.ids[name];
    return [
      { id: id('a') },
      { id: id('b') },
      ...this.c.graph.stacks.map((stack) => ({
        id: id(stack.name),
        labels: [...stack.parents.map((edge) => dependsOnLabel(edge, id)), ...(stack.approval ? ['cascade:approval'] : [])],
      })),
    ];
  }

  private cascadeId(label: CascadeLabel): string {
    return `${this.prefix}-cascade-${label}`;
  }

  private async start(label: CascadeLabel): Promise<void> {
    const root = label === 'A' ? this.c.graph.a : this.c.graph.b;
    const input: CascadeInput = {
      stack_id: this.ids[label === 'A' ? 'a' : 'b'],
      run_id: `${this.prefix}-root-${label}`,
      run_state: root.state,
      run_delta: deltaOf(root.delta),
      options: { ...OPTIONS, maxInFlight: this.c.maxInFlight },
    };
    this.handles[label] = await this.world.client.workflow.start(CASCADE_WORKFLOW_TYPE, {
      taskQueue: this.world.taskQueue,
      workflowId: this.cascadeId(label),
      args: [input],
      workflowExecutionTimeout: '30 days',
    });
    this.events.push({ seq: this.world.recorder.tick(), kind: 'cascadeStarted', label });
  }

  /** Awaits the cascade's end (one result() at a time: see the brief on the time-skipping server). */
  private async settle(label: CascadeLabel): Promise<CascadeObservation> {
    const workflowId = this.cascadeId(label);
    const root = this.ids[label === 'A' ? 'a' : 'b'];
    const handle = this.handles[label];
    if (!handle) return { label, workflowId, root, started: false, end: 'not started', audit: [], endedSeq: 0 };
    let end: CascadeObservation['end'] = 'completed';
    let result: CascadeStatus | undefined;
    let error: string | undefined;
    try {
      result = (await handle.result()) as CascadeStatus;
    } catch (err) {
      const cancelled = err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure;
      end = cancelled ? 'cancelled' : 'failed';
      if (!cancelled) error = messages(err);
    }
    const endedSeq = this.world.recorder.tick();
    await this.world.settled();
    const query = await handle.query(cascadeStatusQuery);
    const audit = this.world.audit.filter((record) => record.cascadeId === workflowId);
    return {
      label,
      workflowId,
      root,
      started: true,
      end,
      ...(error ? { error } : {}),
      ...(result ? { result } : {}),
      query,
      audit,
      endedSeq,
    };
  }

  /** Every StackRunsWorkflow and run monitor of the case has ended (a run may outlive the cascades that wanted it). */
  private async quiesce(): Promise<void> {
    for (let round = 0; ; round++) {
      if (round === 10) throw new Error('the workflows of the case kept running');
      const ids = [
        ...this.stackIds.map(stackRunsWorkflowId),
        ...this.world.fake
          .runs()
          .filter((run) => this.stackIds.includes(run.stackId))
          .map((run) => runMonitorWorkflowId(run.id, run.stackId)),
      ];
      let busy = false;
      for (const id of ids) {
        const handle = this.world.client.workflow.getHandle(id);
        const running = await handle.describe().then(
          (d) => d.status.name === 'RUNNING',
          () => false,
        );
        if (!running) continue;
        busy = true;
        await handle.result().catch(() => undefined);
      }
      await this.world.settled();
      if (!busy) break;
    }
    for (const id of [
      ...this.stackIds.map(stackRunsWorkflowId),
      this.cascadeId('A'),
      this.cascadeId('B'),
      ...this.caseRuns().map((run) => runMonitorWorkflowId(run.id, run.stackId)),
    ]) {
      await this.world.leaks.release(id);
    }
  }

  private caseRuns(): FakeRunInfo[] {
    return this.world.fake.runs().filter((run) => this.stackIds.includes(run.stackId));
  }

  private async beforeCall(index: number): Promise<void> {
    if (this.c.second?.at === index && !this.handles.B) await this.start('B');
    for (const timed of this.c.schedule.filter((s) => s.at === index)) await this.perform(timed);
  }

  private async perform(timed: TimedStep): Promise<void> {
    if (timed.step.kind === 'slowAnswer') this.world.recorder.slowAnswers.set(timed.at, timed.step.ms);
    const effect = await this.apply(timed.step).catch((err: unknown) => `error: ${messages(err)}`);
    this.events.push({ seq: this.world.recorder.tick(), kind: 'step', at: timed.at, step: timed.step, effect });
  }

  private async apply(step: Step): Promise<string> {
    const { world } = this;
    switch (step.kind) {
      case 'outage':
        world.fake.inject({ operation: 'any', kind: step.fault, times: step.length });
        return 'injected';
      case 'lostAnswer':
        world.fake.inject({ operation: 'runTrigger', kind: 'afterMutation500' });
        return 'injected';
      case 'slowAnswer':
        return `answer held back ${step.ms} ms`;
      case 'restart':
        world.restart();
        return 'restarting';
      case 'cancel': {
        const handle = this.handles[step.cascade];
        if (!handle) return 'not started';
        return handle.cancel().then(
          () => 'requested',
          (err: unknown) => `refused: ${messages(err)}`,
        );
      }
      case 'approve':
      case 'reject':
        return this.answer(step.cascade, this.ids[step.stack], step.kind === 'approve', `step-${step.kind}`);
      case 'webhook':
        return this.webhookStep(step.run, step.mode);
    }
  }

  private async webhookStep(index: number, mode: Extract<Step, { kind: 'webhook' }>['mode']): Promise<string> {
    const runs = this.caseRuns();
    const run = runs[index % Math.max(runs.length, 1)];
    if (!run) return 'no run yet';
    const outcome = this.c.graph.stacks.find((s) => this.ids[s.name] === run.stackId)?.outcome;
    switch (mode) {
      case 'start':
        if (!NOT_STARTED.has(run.state)) return `run ${run.id} is ${run.state}`;
        this.setRunState(run, 'PLANNING', null);
        return this.webhook(run, 'PLANNING', null);
      case 'finish':
        if (TERMINAL.has(run.state) || !outcome) return `run ${run.id} is ${run.state}`;
        this.setRunState(run, outcome.state, deltaOf(outcome.delta));
        return this.webhook(run, outcome.state, deltaOf(outcome.delta));
      case 'duplicate':
        return this.webhook(run, run.state, run.delta);
      case 'reorder':
        return this.webhook(run, 'QUEUED', null);
      case 'late':
        this.late.push({ run });
        return `held back: ${run.state}`;
    }
  }

  private setRunState(run: FakeRunInfo, state: string, delta: RunDelta | null): void {
    this.world.fake.setRunState(run.id, state, delta);
    this.events.push({ seq: this.world.recorder.tick(), kind: 'setRunState', runId: run.id, state });
  }

  /** A run-state webhook, routed to the run's monitor as the listener does. */
  private async webhook(run: FakeRunInfo, state: string, delta: RunDelta | null): Promise<string> {
    const outcome = await this.route({ unitId: run.stackId, runId: run.id, state, delta }, 'signal').catch(
      (err: unknown) => `error: ${messages(err)}`,
    );
    this.events.push({ seq: this.world.recorder.tick(), kind: 'webhook', runId: run.id, state, outcome });
    return `${run.id} ${state}: ${outcome}`;
  }

  private async answer(label: string, stackId: string, approved: boolean, by: string): Promise<string> {
    const cascade = label === 'A' || label === 'B' ? this.cascadeId(label) : label;
    const handle = this.world.client.workflow.getHandle(cascade);
    const delivered = await handle.signal(approved ? approveSignal : rejectSignal, { stackId, by }).then(
      () => true,
      () => false,
    );
    this.events.push({ seq: this.world.recorder.tick(), kind: 'answer', cascade, stackId, approved, by, delivered });
    return delivered ? 'delivered' : 'not delivered';
  }

  /** The approver answers the `approval_needed` notification (once, whatever the channel) as the case says. */
  private async notified(input: NotifyInput): Promise<void> {
    if (input.event !== 'approval_needed' || !input.stackId) return;
    const key = `${input.cascadeId} ${input.stackId}`;
    if (this.answered.has(key)) return;
    this.answered.add(key);
    const answer = this.c.graph.stacks.find((s) => this.ids[s.name] === input.stackId)?.approval;
    if (answer === 'approve' || answer === 'reject') await this.answer(input.cascadeId, input.stackId, answer === 'approve', 'notified');
  }
}
