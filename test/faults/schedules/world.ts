/**
 * What the cases of one test file share, because starting it is the slow part: one time-skipping server, one fake
 * Spacelift account (each case adds stacks under its own prefix), one client, and a worker that a case can restart.
 * The worker's Spacelift calls go through the CallRecorder; its notifier lets the case answer approvals; its audit
 * log is kept in memory.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AuditLog, AuditRecord } from '../../../src/audit/audit-log';
import { createWorker, type CascadeWorker } from '../../../src/service/create-worker';
import type { NotifyInput, NotifyResult } from '../../../src/notify/types';
import type { RecordedTrigger } from '../../support/fake-spacelift';
import { startSpacelift, stopSpacelift, type SpaceliftPair } from '../../support/spacelift-setup';
import { createTimeSkippingEnv, uniqueTaskQueue, workflowBundleCode } from '../../support/temporal';
import { CallRecorder } from './recorder';
import { TimeLockLeaks } from './time-locks';

/** Short enough that an outage of hung requests stays cheap in real time; long enough for a busy machine. */
const REQUEST_TIMEOUT_MS = 200;

export type NotificationHandler = (input: NotifyInput) => Promise<void>;

export class World {
  readonly recorder = new CallRecorder();
  readonly leaks: TimeLockLeaks;
  readonly audit: AuditRecord[] = [];
  readonly taskQueue = uniqueTaskQueue('fault-schedules');
  onNotification: NotificationHandler | undefined;
  /** Hears every run the fake creates, synchronously, before the trigger is answered. */
  onRunCreated: ((trigger: RecordedTrigger) => void) | undefined;
  private worker: { worker: CascadeWorker; running: Promise<void> } | undefined;
  private restarting: Promise<void> = Promise.resolve();
  restarts = 0;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly spacelift: SpaceliftPair,
    private readonly clock: { offsetMs: number },
  ) {
    this.leaks = new TimeLockLeaks(env);
    // Spacelift's clock is the test server's: a run's createdAt must compare with the workflow's time (the
    // at-most-once look-up adopts runs created since the trigger was decided), and test time runs ahead.
    this.recorder.beforeEachCall = async () => {
      this.clock.offsetMs = (await env.currentTimeMs()) - Date.now();
    };
    // Soon after a call ends, its activity has reported (or its workflow closed without it): give back a lost lock.
    this.recorder.onCallEnded = (call) => void setTimeout(() => void this.leaks.release(call.workflowId).catch(() => undefined), 100);
  }

  static async create(): Promise<World> {
    const env = await createTimeSkippingEnv();
    const clock = { offsetMs: 0 };
    const spacelift = await startSpacelift([], { requestTimeoutMs: REQUEST_TIMEOUT_MS, now: () => Date.now() + clock.offsetMs });
    const world = new World(env, spacelift, clock);
    spacelift.fake.onTrigger((trigger) => world.onRunCreated?.(trigger));
    await world.startWorker();
    return world;
  }

  get fake() {
    return this.spacelift.fake;
  }

  get client() {
    return this.env.client;
  }

  /**
   * Shuts the worker down (its in-flight activities finish first) and starts a new one on the same task queues.
   * Returns at once: a step runs inside an activity, which the shutdown waits for. Restarts run one after another.
   */
  restart(): void {
    this.restarts += 1;
    this.restarting = this.restarting.then(async () => {
      const current = this.worker;
      current?.worker.shutdown();
      await current?.running;
      await this.startWorker();
    });
  }

  /** Resolves once no restart is under way. */
  settled(): Promise<void> {
    return this.restarting;
  }

  async close(): Promise<void> {
    await this.restarting.catch(() => undefined);
    this.worker?.worker.shutdown();
    await this.worker?.running.catch(() => undefined);
    await stopSpacelift(this.spacelift);
    await this.env.teardown();
  }

  private async startWorker(): Promise<void> {
    const auditLog: AuditLog = { path: 'memory', append: async (records) => void this.audit.push(...records) };
    const worker = await createWorker({
      connection: this.env.nativeConnection,
      namespace: this.env.namespace ?? 'default',
      taskQueue: this.taskQueue,
      spacelift: this.recorder.wrap(() => this.spacelift.client),
      auditLog,
      notifier: { send: (input) => this.notify(input) },
      workflows: { bundleCode: await workflowBundleCode() },
      // No workflow cache: every workflow task replays its history from the start, so every case also checks that
      // each workflow replays deterministically at every step. It is also what makes a restart work here: the
      // test server never moves a task off a dead worker's sticky queue (real servers do after a timeout).
      overrides: { shutdownGraceTime: '10s', maxCachedWorkflows: 0 },
    });
    const running = worker.run();
    // A worker that fails must fail the case that uses it, not go unnoticed.
    running.catch((err: unknown) => console.error('fault-schedules: worker failed', err));
    this.worker = { worker, running };
  }

  private async notify(input: NotifyInput): Promise<NotifyResult> {
    await this.onNotification?.(input);
    return { channel: input.channel, sent: true, status: 200 };
  }
}
