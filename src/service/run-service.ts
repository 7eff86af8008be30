import { configSecrets } from '../config/config-secrets';
import { loadConfig, type ConfigWithSpacelift, type LoadConfigFlags } from '../config/load-config';
import type { Env } from '../config/read-secret';
import type { Config } from '../config/types';
import { createLogger, type LogFields, type Logger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import { serveMetrics } from '../metrics/serve-metrics';
import { startConfiguredTracing } from '../tracing';
import { installRuntime } from './install-runtime';
import { runUntilSignal, type ServiceEnd } from './run-until-signal';
import { listenForShutdown } from './shutdown-signal';
import { startListener } from './start-listener';
import { startServe } from './start-serve';
import { startWorker } from './start-worker';
import { checkSpaceliftAtStart, warnIfCascadeRunsUnrecognisable, warnIfUnsigned } from './startup-checks';

/**
 * The long-running roles: serve (listener and worker in one process), or worker and webhook alone (split
 * deployments). A role once started: what its `ready` line says, when it is ready, and how it stops.
 */
interface StartedRole {
  about: LogFields;
  /** Settles once the role does its job (the worker runs); `ready` is logged then. Absent: ready at once. */
  started?: Promise<unknown>;
  /** Settles if a component stops without being asked (the worker): that ends the process. */
  failed?: Promise<unknown>;
  stop(graceMs: number): Promise<void>;
}

function temporalAbout(config: Config): LogFields {
  return { temporal: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue };
}

/** serve: the listener binds at once (`listening`); `ready` follows when the worker runs, however long Temporal takes. */
async function startServeRole(config: ConfigWithSpacelift, logger: Logger): Promise<StartedRole> {
  warnIfUnsigned(config, logger);
  await checkSpaceliftAtStart(config, logger);
  const { metricsBuffer } = installRuntime(logger, config.logLevel);
  const runtime = await startServe(config, logger, createCascadeMetrics({ processMetrics: true, temporal: metricsBuffer }));
  const about = { host: runtime.listener.address.host, port: runtime.listener.address.port, ...temporalAbout(config) };
  logger.info('listening', about);
  return { about, started: runtime.worker.started, failed: runtime.worker.running, stop: (graceMs) => runtime.stop(graceMs) };
}

/** worker: only the worker, for deployments that run the listener separately; /metrics on METRICS_PORT if set. */
async function startWorkerRole(config: ConfigWithSpacelift, logger: Logger): Promise<StartedRole> {
  await checkSpaceliftAtStart(config, logger);
  const { metricsBuffer } = installRuntime(logger, config.logLevel);
  const metrics = createCascadeMetrics({ processMetrics: true, temporal: metricsBuffer });
  const metricsServer =
    config.metricsPort !== undefined ? await serveMetrics(metrics, { host: config.webhook.host, port: config.metricsPort }) : undefined;
  const worker = startWorker(config, logger.child({ component: 'worker' }), metrics);
  const url = metricsServer && `http://${metricsServer.address.host}:${metricsServer.address.port}/metrics`;
  return {
    about: { ...temporalAbout(config), ...(url ? { metrics: url } : {}) },
    started: worker.started,
    failed: worker.running,
    stop: async () => {
      try {
        await worker.stop();
      } finally {
        await metricsServer?.close();
      }
    },
  };
}

/** webhook: only the listener and a Temporal client; workers elsewhere run the cascades. 503s while Temporal is down. */
async function startWebhookRole(config: Config, logger: Logger): Promise<StartedRole> {
  warnIfUnsigned(config, logger);
  warnIfCascadeRunsUnrecognisable(config, logger);
  const listener = await startListener({ config, logger, metrics: createCascadeMetrics({ processMetrics: true }) });
  return {
    about: { host: listener.address.host, port: listener.address.port, ...temporalAbout(config) },
    stop: (graceMs) => listener.close(graceMs),
  };
}

type ServiceInput = { env: Env; flags: LoadConfigFlags };

export const runServe = (input: ServiceInput): Promise<ServiceEnd> => runRole(loadConfig({ ...input, role: 'serve' }), startServeRole);
export const runWorker = (input: ServiceInput): Promise<ServiceEnd> => runRole(loadConfig({ ...input, role: 'worker' }), startWorkerRole);
export const runWebhook = (input: ServiceInput): Promise<ServiceEnd> =>
  runRole(loadConfig({ ...input, role: 'webhook' }), startWebhookRole);

/**
 * The service's composition root: logger, tracing and signals, then the role's components, until SIGTERM/SIGINT or
 * until a component fails. Errors before the role runs (Spacelift refusing the key) propagate to the caller.
 */
async function runRole<C extends Config>(config: C, start: (config: C, logger: Logger) => Promise<StartedRole>): Promise<ServiceEnd> {
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const shutdown = listenForShutdown();
  const tracing = await startConfiguredTracing(config, logger);
  try {
    const role = await start(config, logger);
    void Promise.resolve(role.started).then(
      () => logger.info('ready', role.about),
      () => undefined,
    );
    return await runUntilSignal({
      shutdown,
      logger,
      graceMs: config.shutdownGraceMs,
      failed: role.failed,
      stop: () => role.stop(config.shutdownGraceMs),
    });
  } finally {
    shutdown.dispose();
    await tracing?.shutdown();
  }
}
