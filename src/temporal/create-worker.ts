import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { AuditLog } from '../audit/audit-log';
import type { Notifier } from '../notify/notifier';
import type { DiscoveryMode } from '../config/types';
import { createCascadeMetrics, createWorkflowSinks, type CascadeMetrics } from '../metrics';
import type { PlatformApi } from '../platform/types';
import type { SpaceliftApi } from '../spacelift/types';
import { installedTracing, workflowInterceptorModules, workflowSpanSinks } from '../tracing';

export type WorkflowSource = { bundlePath: string } | { bundleCode: string } | { workflowsPath: string };

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  spacelift: SpaceliftApi;
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
  overrides?: Partial<WorkerOptions>;
}

/**
 * Tracing, when this process installed it (src/tracing), adds the activity interceptors and sends the workflow
 * interceptors' spans to its exporter; the workflow interceptors themselves are in every bundle.
 */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const tracing = installedTracing();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({
      spacelift: options.spacelift,
      ...(options.terraform ? { terraform: options.terraform } : {}),
      ...(options.discovery ? { discovery: options.discovery } : {}),
      ...(options.notifier ? { notifier: options.notifier } : {}),
      ...(options.auditLog ? { auditLog: options.auditLog } : {}),
    }),
    // Always registered: the SDK logs every call to an unregistered sink as an error.
    sinks: { ...createWorkflowSinks(options.metrics ?? createCascadeMetrics()), ...workflowSpanSinks(tracing) },
    interceptors: {
      ...(tracing ? { activity: tracing.activityInterceptors } : {}),
      // A pre-built bundle already holds them (the SDK warns when they are given with one).
      ...('workflowsPath' in options.workflows ? { workflowModules: workflowInterceptorModules() } : {}),
    },
    ...workflowOptions(options.workflows),
    ...options.overrides,
  });
}

function workflowOptions(source: WorkflowSource): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if ('bundlePath' in source) return { workflowBundle: { codePath: source.bundlePath } };
  if ('bundleCode' in source) return { workflowBundle: { code: source.bundleCode } };
  return { workflowsPath: source.workflowsPath };
}
