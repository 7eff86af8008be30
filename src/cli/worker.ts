import { configSecrets } from '../config/config-secrets';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { serveMetrics } from '../metrics/serve-metrics';
import { startConfiguredTracing } from '../tracing';
import type { CommandContext } from './command-context';
import type { ExitCode } from './exit-codes';
import { checkSpaceliftAtStart } from './runtime/startup-checks';
import { installRuntime } from './runtime/install-runtime';
import { runUntilSignal } from './runtime/run-until-signal';
import { listenForShutdown } from './runtime/shutdown-signal';
import { startWorker } from './runtime/start-worker';

/** Only the worker, for deployments that run the listener separately (`webhook`). */
export async function runWorker(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'worker' });
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const { metricsBuffer } = installRuntime(logger, config.logLevel);
  const shutdown = listenForShutdown();
  const tracing = await startConfiguredTracing(config, logger);
  try {
    await checkSpaceliftAtStart(config, logger);
    const metrics = createCascadeMetrics({ processMetrics: true, temporal: metricsBuffer });
    const metricsServer = config.metricsPort !== undefined ? await serveMetrics(metrics, { host: config.webhook.host, port: config.metricsPort }) : undefined;
    const worker = startWorker(config, logger.child({ component: 'worker' }), metrics);
    const about = {
      temporal: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...(metricsServer ? { metrics: `http://${metricsServer.address.host}:${metricsServer.address.port}/metrics` } : {}),
    };
    void worker.started.then(() => logger.info('ready', about), () => undefined);
    return await runUntilSignal({
      shutdown,
      logger,
      graceMs: config.shutdownGraceMs,
      failed: worker.running,
      stop: async () => {
        try {
          await worker.stop();
        } finally {
          await metricsServer?.close();
        }
      },
    });
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
