/**
 * Every Spacelift call the activities make, in order, with the activity that made it (workflow, type, attempt) and
 * what it answered: the evidence the invariants read. Before each call, the case's driver may act (a step of its
 * schedule): the call's activity is running meanwhile, so the test server does not skip time past the step.
 */
import { Context } from '@temporalio/activity';
import type { PlatformApi } from '../../../src/platform/types';

export interface CallRecord {
  /** Position among the calls and driver events of the case, at the call's start. */
  seq: number;
  /** Position at its end (answer or error). */
  end: number;
  method: 'triggerRun' | 'getRun' | 'cancelRun' | 'listRunsSince' | 'listCandidateDependents' | 'listAllStacks' | 'verifyCredentials';
  stackId?: string;
  runId?: string;
  workflowId: string;
  activityType: string;
  activityId: string;
  attempt: number;
  /** The run state it answered (triggerRun, getRun, cancelRun). */
  state?: string;
  /** triggerRun: the run it created; cancelRun: the run it stopped. */
  answeredRunId?: string;
  error?: string;
}

/** Before a call: the driver's hook. `index` counts the case's calls from 0. */
export type BeforeCall = (index: number, call: Pick<CallRecord, 'method' | 'stackId' | 'runId'>) => Promise<void>;

export class CallRecorder {
  readonly calls: CallRecord[] = [];
  private seq = 0;
  private started = 0;
  beforeCall: BeforeCall | undefined;
  /** Call index → real milliseconds its answer is held back (the driver's slowAnswer steps). */
  readonly slowAnswers = new Map<number, number>();
  /** Before every call, the case's hook or not (the world keeps the fake's clock in step with test time). */
  beforeEachCall: (() => Promise<void>) | undefined;
  onCallEnded: ((call: CallRecord) => void) | undefined;

  /** A shared clock with the driver's own events, so the invariants can order both. */
  tick(): number {
    return ++this.seq;
  }

  /** Starts a new case: its calls count from 0 again. */
  reset(beforeCall: BeforeCall | undefined): void {
    this.calls.length = 0;
    this.started = 0;
    this.slowAnswers.clear();
    this.beforeCall = beforeCall;
  }

  /** `api` with every call recorded; `target` is read at each call, so a test can swap the account behind it. */
  wrap(target: () => PlatformApi): PlatformApi {
    const record = <T>(method: CallRecord['method'], ids: { stackId?: string; runId?: string }, call: () => Promise<T>) =>
      this.record(method, ids, call);
    return {
      ownsTrigger: (triggeredBy) => target().ownsTrigger(triggeredBy),
      listCandidateDependents: (stackId) => record('listCandidateDependents', { stackId }, () => target().listCandidateDependents(stackId)),
      listAllStacks: () => record('listAllStacks', {}, () => target().listAllStacks()),
      triggerRun: (stackId) => record('triggerRun', { stackId }, () => target().triggerRun(stackId)),
      getRun: (stackId, runId) => record('getRun', { stackId, runId }, () => target().getRun(stackId, runId)),
      listRunsSince: (stackId, since) => record('listRunsSince', { stackId }, () => target().listRunsSince(stackId, since)),
      cancelRun: (stackId, runId) => record('cancelRun', { stackId, runId }, () => target().cancelRun(stackId, runId)),
      verifyCredentials: () => record('verifyCredentials', {}, () => target().verifyCredentials()),
    };
  }

  private async record<T>(method: CallRecord['method'], ids: { stackId?: string; runId?: string }, call: () => Promise<T>): Promise<T> {
    const index = this.started++;
    await this.beforeCall?.(index, { method, ...ids });
    await this.beforeEachCall?.();
    const info = Context.current().info;
    const entry: CallRecord = {
      seq: this.tick(),
      end: 0,
      method,
      ...ids,
      workflowId: info.workflowExecution?.workflowId ?? '',
      activityType: info.activityType,
      activityId: info.activityId,
      attempt: info.attempt,
    };
    try {
      const answer = await call();
      const run =
        method === 'triggerRun' || method === 'getRun' || method === 'cancelRun' ? (answer as { id: string; state: string }) : undefined;
      if (run) Object.assign(entry, { state: run.state, answeredRunId: run.id });
      return answer;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      const slow = this.slowAnswers.get(index);
      if (slow !== undefined) await new Promise((resolve) => setTimeout(resolve, slow));
      entry.end = this.tick();
      this.calls.push(entry);
      this.onCallEnded?.(entry);
    }
  }
}
