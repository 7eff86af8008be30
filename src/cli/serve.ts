import { configSecrets } from '../config/config-secrets';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { startConfiguredTracing } from '../tracing';
import { describeError } from '../webhook/describe-error';
import type { CommandContext } from './command-context';
import { EXIT, type ExitCode } from './exit-codes';
import { stopWithin } from './runtime/graceful-stop';
import { installRuntime } from './runtime/install-runtime';
import { listenForShutdown } from './runtime/shutdown-signal';
import { startServe } from './runtime/start-serve';
import { checkSpaceliftAtStart, warnIfUnsigned } from './runtime/startup-checks';

/** The production entry: webhook listener + worker in one process, until SIGTERM/SIGINT. */
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
    logger.info('ready', { host, port, temporal: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue });

    const ending = await Promise.race([
      shutdown.received.then((signal) => ({ kind: 'signal' as const, signal })),
      runtime.worker.running.then(
        () => ({ kind: 'worker-stopped' as const, error: 'worker stopped unexpectedly' }),
        (err: unknown) => ({ kind: 'worker-stopped' as const, error: describeError(err) }),
      ),
    ]);
    if (ending.kind === 'signal') logger.info('shutting down', { signal: ending.signal, graceMs: config.shutdownGraceMs });
    else logger.error('worker failed; shutting down', { error: ending.error });

    const clean = await stopWithin(config.shutdownGraceMs, logger, () => runtime.stop(config.shutdownGraceMs));
    if (clean) logger.info('stopped');
    return ending.kind === 'signal' && clean ? EXIT.ok : EXIT.failure;
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
