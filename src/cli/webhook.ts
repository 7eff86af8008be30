import { configSecrets } from '../config/config-secrets';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { startConfiguredTracing } from '../tracing';
import type { CommandContext } from './command-context';
import type { ExitCode } from './exit-codes';
import { warnIfCascadeRunsUnrecognisable, warnIfUnsigned } from './runtime/startup-checks';
import { runUntilSignal } from './runtime/run-until-signal';
import { listenForShutdown } from './runtime/shutdown-signal';
import { startListener } from './runtime/start-listener';

/**
 * Only the listener and a Temporal client: starts chains that workers elsewhere execute. It listens at once; while
 * Temporal does not answer, /readyz and webhooks answer 503 with the reason.
 */
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
    return await runUntilSignal({ shutdown, logger, graceMs: config.shutdownGraceMs, stop: () => listener.close(config.shutdownGraceMs) });
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
