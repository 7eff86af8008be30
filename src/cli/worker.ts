import { configSecrets } from '../config/config-secrets';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { serveMetrics } from '../metrics/serve-metrics';
import { startConfiguredTracing } from '../tracing';
import { describeError } from '../webhook/describe-error';
import type { CommandContext } from './command-context';
import { EXIT, type ExitCode } from './exit-codes';
import { checkSpaceliftAtStart } from './runtime/startup-checks';
import { stopWithin } from './runtime/graceful-stop';
import { installRuntime } from './runtime/install-runtime';
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
    const worker = await startWorker(config, logger.child({ component: 'worker' }), metrics);
    const metricsServer = config.metricsPort !== undefined ? await serveMetrics(metrics, { host: config.webhook.host, port: config.metricsPort }) : undefined;
    logger.info('ready', {
      temporal: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...(metricsServer ? { metrics: `http://${metricsServer.address.host}:${metricsServer.address.port}/metrics` } : {}),
    });
    const ending = await Promise.race([
      shutdown.received.then((signal) => ({ signal, error: undefined })),
      worker.running.then(
        () => ({ signal: undefined, error: 'worker stopped unexpectedly' }),
        (err: unknown) => ({ signal: undefined, error: describeError(err) }),
      ),
    ]);
    if (ending.signal) logger.info('shutting down', { signal: ending.signal, graceMs: config.shutdownGraceMs });
    else logger.error('worker failed', { error: ending.error });
    const clean = await stopWithin(config.shutdownGraceMs, logger, () => worker.stop());
    await metricsServer?.close();
    if (clean) logger.info('stopped');
    return ending.signal && clean ? EXIT.ok : EXIT.failure;
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
