import { configSecrets } from '../config/config-secrets';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { startConfiguredTracing } from '../tracing';
import type { CommandContext } from './command-context';
import type { ExitCode } from './exit-codes';
import { installRuntime } from './runtime/install-runtime';
import { runUntilSignal } from './runtime/run-until-signal';
import { listenForShutdown } from './runtime/shutdown-signal';
import { startServe } from './runtime/start-serve';
import { checkSpaceliftAtStart, warnIfUnsigned } from './runtime/startup-checks';

/**
 * The production entry: webhook listener + worker in one process, until SIGTERM/SIGINT. The listener is up at once
 * (`listening`); `ready` follows when the worker runs, however long Temporal takes to answer.
 */
export async function runServe(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'serve' });
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const { metricsBuffer } = installRuntime(logger, config.logLevel);
  const shutdown = listenForShutdown();
  const tracing = await startConfiguredTracing(config, logger);
  try {
    warnIfUnsigned(config, logger);
    await checkSpaceliftAtStart(config, logger);
    const metrics = createCascadeMetrics({ processMetrics: true, temporal: metricsBuffer });
    const runtime = await startServe(config, logger, metrics);
    const { host, port } = runtime.listener.address;
    const about = { host, port, temporal: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue };
    logger.info('listening', about);
    void runtime.worker.started.then(() => logger.info('ready', about), () => undefined);
    return await runUntilSignal({
      shutdown,
      logger,
      graceMs: config.shutdownGraceMs,
      failed: runtime.worker.running,
      stop: () => runtime.stop(config.shutdownGraceMs),
    });
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
