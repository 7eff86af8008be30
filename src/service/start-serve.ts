import type { Config, SpaceliftConfig } from '../config/types';
import type { Logger } from '../log/logger';
import type { CascadeMetrics } from '../metrics';
import { startListener, type RunningListener } from './start-listener';
import { startWorker, type RunningWorker } from './start-worker';

export interface ServeRuntime {
  worker: RunningWorker;
  listener: RunningListener;
  /** Stop taking webhooks and stop the worker at the same time; each drains its in-flight work. */
  stop(graceMs: number): Promise<void>;
}

/**
 * serve's pieces, shared with the demo. The listener binds at once, even while Temporal is down: /healthz answers,
 * /readyz and webhooks answer 503 with the reason until Temporal answers and the worker is RUNNING. The worker
 * connects in the background, retrying until it can (`worker.started`).
 */
export async function startServe(
  config: Config & { spacelift: SpaceliftConfig },
  logger: Logger,
  metrics: CascadeMetrics,
): Promise<ServeRuntime> {
  const listener = await startListener({ config, logger, metrics, workerReady: () => worker.readiness() });
  const worker = startWorker(config, logger.child({ component: 'worker' }), metrics);
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
