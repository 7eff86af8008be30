import type { Config, SpaceliftConfig } from '../../config/types';
import type { Logger } from '../../log/logger';
import type { CascadeMetrics } from '../../metrics';
import { startListener, type RunningListener } from './start-listener';
import { startWorker, type RunningWorker } from './start-worker';

export interface ServeRuntime {
  worker: RunningWorker;
  listener: RunningListener;
  /** Stop taking webhooks and stop the worker at the same time; each drains its in-flight work. */
  stop(graceMs: number): Promise<void>;
}

/**
 * serve's pieces, shared with the demo: the worker first (so the listener is never ready without it),
 * then the listener, whose readiness requires the worker to be RUNNING and Temporal to answer.
 */
export async function startServe(config: Config & { spacelift: SpaceliftConfig }, logger: Logger, metrics: CascadeMetrics): Promise<ServeRuntime> {
  const worker = await startWorker(config, logger.child({ component: 'worker' }), metrics);
  let listener: RunningListener;
  try {
    listener = await startListener({
      config,
      logger,
      metrics,
      workerReady: () => (worker.isRunning() ? true : { ready: false, reason: `worker is ${worker.worker.getState()}` }),
    });
  } catch (err) {
    await worker.stop().catch(() => undefined);
    throw err;
  }
  return {
    worker,
    listener,
    stop: async (graceMs) => {
      const results = await Promise.allSettled([listener.close(graceMs), worker.stop()]);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}
