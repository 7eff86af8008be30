import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Config, SpaceliftConfig } from '../../config/types';
import type { Logger } from '../../log/logger';
import { instrumentSpacelift, instrumentTerraform, type CascadeMetrics } from '../../metrics';
import { createAuditLog } from '../../audit/audit-log';
import { createNotifier } from '../../notify/notifier';
import { SpaceliftClient } from '../../spacelift/client';
import { createWorker } from '../../temporal/create-worker';
import { resolveWorkflowSource } from '../../temporal/workflow-source';
import { TemporalUnreachableError } from '../exit-codes';
import { connectNative, reasonOf } from './connect-temporal';
import { createTerraformClient } from './terraform-client';
import type { TerraformClient } from '../../terraform/client';

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker stops: resolves after shutdown(), rejects on a fatal worker error. */
  running: Promise<void>;
  isRunning(): boolean;
  /** Graceful: finish in-flight tasks (up to the configured grace), then close the connections. */
  stop(): Promise<void>;
}

const RUNNING_WAIT_MS = 15_000;

/** A worker wired to a real Spacelift client (instrumented), started and confirmed RUNNING. */
export async function startWorker(
  config: Pick<Config, 'temporal' | 'shutdownGraceMs' | 'cascade' | 'notify' | 'audit' | 'terraform'> & { spacelift: SpaceliftConfig },
  logger: Logger,
  metrics: CascadeMetrics,
): Promise<RunningWorker> {
  const connection = await connectNative(config.temporal);
  const spacelift = new SpaceliftClient({
    ...config.spacelift,
    // One client per worker process, so SPACELIFT_TRIGGER_RATE holds for the process whatever the cascades do.
    triggerRatePerSecond: config.cascade.triggerRatePerSecond,
    logger: logger.child({ component: 'spacelift' }),
  });
  const terraform = createTerraformClient(config, logger);
  let worker: Worker;
  try {
    worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      spacelift: instrumentSpacelift(spacelift, metrics),
      ...(terraform ? { terraform: instrumentTerraform(terraform, metrics) } : {}),
      metrics,
      // The cascade's planner reads the graph the same way as the client's own discovery.
      discovery: config.spacelift.discovery,
      ...(config.notify ? { notifier: createNotifier(config.notify) } : {}),
      ...(config.audit?.path ? { auditLog: createAuditLog({ ...config.audit, path: config.audit.path }) } : {}),
      workflows: resolveWorkflowSource(),
      overrides: {
        // Activities get most of the grace period to finish; the rest is for closing connections.
        shutdownGraceTime: Math.floor(config.shutdownGraceMs * 0.75),
        shutdownForceTime: config.shutdownGraceMs,
      },
    });
  } catch (err) {
    await closeQuietly(connection, spacelift, terraform);
    throw new TemporalUnreachableError(config.temporal.address, config.temporal.namespace, `worker could not start: ${reasonOf(err)}`, { cause: err });
  }

  const running = worker.run();
  running.catch(() => undefined); // observed by the caller; never an unhandled rejection
  await waitUntilRunning(worker, running);
  return {
    worker,
    running,
    isRunning: () => worker.getState() === 'RUNNING',
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await closeQuietly(connection, spacelift, terraform);
      }
    },
  };
}

async function waitUntilRunning(worker: Worker, running: Promise<void>): Promise<void> {
  let failed: unknown;
  running.catch((err: unknown) => (failed = err ?? new Error('worker stopped')));
  const deadline = Date.now() + RUNNING_WAIT_MS;
  while (worker.getState() !== 'RUNNING') {
    if (failed !== undefined) throw failed;
    if (Date.now() > deadline) throw new Error(`worker did not reach RUNNING within ${RUNNING_WAIT_MS} ms (state ${worker.getState()})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function closeQuietly(connection: NativeConnection, spacelift: SpaceliftClient, terraform?: TerraformClient): Promise<void> {
  await Promise.allSettled([connection.close(), spacelift.close(), terraform?.close()]);
}
