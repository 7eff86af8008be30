import { setTimeout as delay } from 'node:timers/promises';
import { TransportError } from '@temporalio/worker';
import type { Config, SpaceliftConfig } from '../config/types';
import type { Logger } from '../log/logger';
import { instrumentSpacelift, instrumentTerraform, type CascadeMetrics } from '../metrics';
import { createAuditLog } from '../audit/audit-log';
import { createNotifier } from '../notify/notifier';
import { SpaceliftClient } from '../spacelift/client';
import { createWorker, type CascadeWorker } from './create-worker';
import { resolveWorkflowSource } from '../temporal/workflow-source';
import { installedTracing } from '../tracing';
import type { Readiness } from '../webhook';
import { TemporalUnreachableError } from './errors';
import { connectNative } from './connect-temporal';
import { reasonOf } from '../log/describe-error';
import { createTerraformClient } from './terraform-client';

export interface RunningWorker {
  /** Resolves once the worker is RUNNING, however many connection attempts that took; rejects on a fatal error. */
  started: Promise<void>;
  /** Settles when the worker stops: resolves after stop(), rejects on a fatal worker error. */
  running: Promise<void>;
  /** Ready when RUNNING; otherwise what it is doing (connecting to Temporal: attempt and reason). */
  readiness(): Readiness;
  /** Graceful: finish in-flight tasks (up to the configured grace), then close the connections. */
  stop(): Promise<void>;
}

type WorkerConfig = Pick<Config, 'temporal' | 'shutdownGraceMs' | 'cascade' | 'notify' | 'audit' | 'terraform'> & {
  spacelift: SpaceliftConfig;
};

const RUNNING_WAIT_MS = 15_000;
/** Reconnection backoff while Temporal is unreachable: 1 s, 2 s, 4 s … at most 30 s, for as long as it takes. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * A worker wired to a real Spacelift client (instrumented). It connects in the background and keeps retrying,
 * logging each attempt, while Temporal is unreachable: the process never exits for that, and systemd never
 * restart-loops. Only a fatal error (the worker itself failing) settles `running` with an error.
 */
export function startWorker(config: WorkerConfig, logger: Logger, metrics: CascadeMetrics): RunningWorker {
  const stopping = new AbortController();
  let state: Readiness = { ready: false, reason: `worker is connecting to Temporal at ${config.temporal.address}` };
  let worker: CascadeWorker | undefined;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  const running = (async () => {
    const session = await connectUntilStopped(config, logger, metrics, stopping.signal, (reason) => (state = { ready: false, reason }));
    if (!session) throw new Error('worker stopped before it connected to Temporal');
    worker = session.worker;
    try {
      const run = worker.run();
      await waitUntilRunning(worker, run);
      state = { ready: true };
      markStarted();
      logger.info('worker running', {
        temporal: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
      });
      await run;
    } finally {
      await session.close();
    }
  })();
  const startedOrFailed = Promise.race([started, running.then(() => Promise.reject(new Error('worker stopped')))]);
  startedOrFailed.catch(() => undefined);
  running.catch(() => undefined); // observed by the caller; never an unhandled rejection

  return {
    started: startedOrFailed,
    running,
    readiness: () => (worker && worker.getState() !== 'RUNNING' ? { ready: false, reason: `worker is ${worker.getState()}` } : state),
    stop: async () => {
      stopping.abort();
      worker?.shutdown();
      await running.catch((err: unknown) => {
        if (worker) throw err; // a worker that ran and failed; one that never connected just stops
      });
    },
  };
}

interface WorkerSession {
  worker: CascadeWorker;
  close(): Promise<void>;
}

/** Connects and creates the worker, retrying with backoff while Temporal is unreachable; undefined once stopped. */
async function connectUntilStopped(
  config: WorkerConfig,
  logger: Logger,
  metrics: CascadeMetrics,
  signal: AbortSignal,
  waiting: (reason: string) => void,
): Promise<WorkerSession | undefined> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      return await connect(config, logger, metrics);
    } catch (err) {
      if (!isUnreachable(err)) {
        // Temporal answered, and said no (an unknown namespace, say): retrying the same request will not help.
        throw new TemporalUnreachableError(config.temporal.address, config.temporal.namespace, `worker could not start: ${reasonOf(err)}`, {
          cause: err,
        });
      }
      const retryInMs = Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
      const reason = reasonOf(err);
      waiting(`worker cannot reach Temporal (attempt ${attempt}, next in ${retryInMs / 1000} s): ${reason}`);
      logger.warn('temporal unreachable; the worker retries', { attempt, retryInMs, temporal: config.temporal.address, error: reason });
      await delay(retryInMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return undefined;
}

async function connect(config: WorkerConfig, logger: Logger, metrics: CascadeMetrics): Promise<WorkerSession> {
  const connection = await connectNative(config.temporal);
  const spacelift = new SpaceliftClient({ ...config.spacelift, logger: logger.child({ component: 'spacelift' }) });
  const terraform = createTerraformClient(config, logger);
  const close = async () => void (await Promise.allSettled([connection.close(), spacelift.close(), terraform?.close()]));
  try {
    const worker = await createWorker({
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
      workflows: resolveWorkflowSource(installedTracing() !== undefined),
      triggerRatePerSecond: config.cascade.triggerRatePerSecond,
      overrides: {
        // Activities get most of the grace period to finish; the rest is for closing connections.
        shutdownGraceTime: Math.floor(config.shutdownGraceMs * 0.75),
        shutdownForceTime: config.shutdownGraceMs,
      },
    });
    return { worker, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Temporal not answering (connection refused, reset, deadline): worth another attempt, unlike a bad namespace or bundle. */
function isUnreachable(err: unknown): boolean {
  if (err instanceof TemporalUnreachableError || err instanceof TransportError) return true;
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

async function waitUntilRunning(worker: CascadeWorker, running: Promise<void>): Promise<void> {
  let failed: Error | undefined;
  running.catch((err: unknown) => (failed = err instanceof Error ? err : new Error(`worker stopped: ${String(err)}`)));
  const deadline = Date.now() + RUNNING_WAIT_MS;
  while (worker.getState() !== 'RUNNING') {
    if (failed !== undefined) throw failed;
    if (Date.now() > deadline) throw new Error(`worker did not reach RUNNING within ${RUNNING_WAIT_MS} ms (state ${worker.getState()})`);
    await delay(25);
  }
}
