import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AuditLog } from '../audit/audit-log';
import type { Notifier } from '../notify/notifier';
import type { DiscoveryMode } from '../config/types';
import { createCascadeMetrics, createWorkflowSinks, type CascadeMetrics } from '../metrics';
import type { PlatformApi } from '../platform/types';
import { installedTracing, workflowInterceptorModules, workflowSpanSinks } from '../tracing';
import { triggerTaskQueue } from '../workflows/policies';

/**
 * Workflow-task pollers of the main worker. Every new workflow's first task waits on the task queue's normal
 * partition, which a fifth of the pollers poll: with the SDK's 10, two pollers take the first tasks of a chain's N
 * StackExecutionWorkflow children (or a cascade's stack workflows). As many pollers as workflow-task slots (40)
 * cut a chain's time by a third to a half (docs/benchmarks.md, "Direct chain: the candidates").
 */
export const WORKFLOW_TASK_POLLERS: NonNullable<WorkerOptions['workflowTaskPollerBehavior']> = { type: 'simple-maximum', maximum: 40 };

export type WorkflowSource = { bundlePath: string } | { bundleCode: string } | { workflowsPath: string };

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  spacelift: PlatformApi;
  /** HCP Terraform (TFC_TOKEN + TFC_ORGANIZATION); absent: cascades stay on Spacelift. */
  terraform?: PlatformApi;
  discovery?: DiscoveryMode;
  /** Cascade notifications (NOTIFY_*); absent: none. */
  notifier?: Notifier;
  /** The audit log (AUDIT_LOG_PATH); absent: none. */
  auditLog?: AuditLog;
  /** Where the workflows' metrics sinks count (triggers, cascade outcomes, approvals waiting); absent: nowhere read. */
  metrics?: CascadeMetrics;
  /**
   * Production passes the bundle built at build time (dist/workflow-bundle.js); development and tests
   * may bundle from source instead.
   */
  workflows: WorkflowSource;
  /**
   * SPACELIFT_TRIGGER_RATE: the most triggers the Temporal server dispatches per second from the trigger queue, to
   * every worker together (`maxTaskQueueActivitiesPerSecond`). 0 or absent: no limit.
   */
  triggerRatePerSecond?: number;
  /** Applied to both workers (shutdown grace, for example). */
  overrides?: Partial<WorkerOptions>;
}

/**
 * The two Temporal workers of one process, run and stopped together: `main` polls the task queue (every workflow
 * and activity), `triggers` polls `<task queue>-triggers`, where workflows schedule `triggerStackRun` so that the
 * server can hold triggers back to SPACELIFT_TRIGGER_RATE without spending their timeouts or attempts.
 * Tracing, when this process installed it (src/tracing), adds the activity interceptors to both and sends the
 * workflow interceptors' spans to its exporter; the workflow interceptors themselves are in every bundle.
 */
export class CascadeWorker {
  constructor(
    readonly main: Worker,
    readonly triggers: Worker,
  ) {}

  /** Settles when both have stopped; rejects with the first failure, after stopping the other worker too. */
  async run(): Promise<void> {
    const workers = [this.main, this.triggers];
    const results = await Promise.allSettled(
      workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          this.shutdown();
          throw err;
        }),
      ),
    );
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** RUNNING only when both are; otherwise the state of the one that is not. */
  getState(): State {
    const main = this.main.getState();
    return main === 'RUNNING' ? this.triggers.getState() : main;
  }

  shutdown(): void {
    for (const worker of [this.main, this.triggers]) if (worker.getState() === 'RUNNING') worker.shutdown();
  }

  /** Runs both workers until `fn` settles (as Worker.runUntil), then stops them and returns its result. */
  runUntil<T>(fn: Promise<T> | (() => Promise<T>)): Promise<T> {
    return this.triggers.runUntil(() => this.main.runUntil(fn));
  }
}

export async function createWorker(options: CreateWorkerOptions): Promise<CascadeWorker> {
  const tracing = installedTracing();
  const activities = createActivities({
    temporal: new Client({
      connection: options.connection,
      namespace: options.namespace,
      interceptors: { workflow: tracing?.clientInterceptors ?? [] },
    }),
    spacelift: options.spacelift,
    ...(options.terraform ? { terraform: options.terraform } : {}),
    ...(options.discovery ? { discovery: options.discovery } : {}),
    ...(options.notifier ? { notifier: options.notifier } : {}),
    ...(options.auditLog ? { auditLog: options.auditLog } : {}),
    triggerRatePerSecond: options.triggerRatePerSecond ?? 0,
  });
  const shared = {
    connection: options.connection,
    namespace: options.namespace,
    ...(tracing ? { interceptors: { activity: tracing.activityInterceptors } } : {}),
    ...options.overrides,
  };
  const main = await Worker.create({
    workflowTaskPollerBehavior: WORKFLOW_TASK_POLLERS,
    ...shared,
    taskQueue: options.taskQueue,
    // Every activity, triggerStackRun included: workflows started by earlier versions schedule it on this queue.
    activities,
    // Always registered: the SDK logs every call to an unregistered sink as an error.
    sinks: { ...createWorkflowSinks(options.metrics ?? createCascadeMetrics()), ...workflowSpanSinks(tracing) },
    interceptors: {
      ...(tracing ? { activity: tracing.activityInterceptors } : {}),
      // Bundled from source with tracing on; a pre-built bundle already holds them, or not (workflow-source.ts).
      ...(tracing && 'workflowsPath' in options.workflows ? { workflowModules: workflowInterceptorModules() } : {}),
    },
    ...workflowOptions(options.workflows),
  });
  const rate = options.triggerRatePerSecond ?? 0;
  const triggers = await Worker.create({
    ...shared,
    taskQueue: triggerTaskQueue(options.taskQueue),
    activities: { triggerStackRun: activities.triggerStackRun },
    ...(rate > 0 ? { maxTaskQueueActivitiesPerSecond: rate } : {}),
  });
  return new CascadeWorker(main, triggers);
}

function workflowOptions(source: WorkflowSource): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if ('bundlePath' in source) return { workflowBundle: { codePath: source.bundlePath } };
  if ('bundleCode' in source) return { workflowBundle: { code: source.bundleCode } };
  return { workflowsPath: source.workflowsPath };
}
