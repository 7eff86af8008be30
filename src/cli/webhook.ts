import { configSecrets } from '../config/config-secrets';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { startConfiguredTracing } from '../tracing';
import type { CommandContext } from './command-context';
import { EXIT, type ExitCode } from './exit-codes';
import { warnIfCascadeRunsUnrecognisable, warnIfUnsigned } from './runtime/startup-checks';
import { stopWithin } from './runtime/graceful-stop';
import { listenForShutdown } from './runtime/shutdown-signal';
import { startListener } from './runtime/start-listener';

/** Only the listener and a Temporal client: starts chains that workers elsewhere execute. */
export async function runWebhook(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'webhook' });
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const shutdown = listenForShutdown();
  const tracing = await startConfiguredTracing(config, logger);
  try {
    warnIfUnsigned(config, logger);
    warnIfCascadeRunsUnrecognisable(config, logger);
    const listener = await startListener({ config, logger, metrics: createCascadeMetrics({ processMetrics: true }) });
    const { host, port } = listener.address;
    logger.info('ready', { host, port, temporal: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue });
    const signal = await shutdown.received;
    logger.info('shutting down', { signal, graceMs: config.shutdownGraceMs });
    const clean = await stopWithin(config.shutdownGraceMs, logger, () => listener.close(config.shutdownGraceMs));
    if (clean) logger.info('stopped');
    return clean ? EXIT.ok : EXIT.failure;
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
