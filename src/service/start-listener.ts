import { Client, type Connection } from '@temporalio/client';
import type { Config } from '../config/types';
import type { Logger } from '../log/logger';
import type { CascadeMetrics } from '../metrics';
import { isOwnTrigger } from '../spacelift/triggered-by';
import { startCascade, type StartCascadeRequest } from '../temporal/start-cascade';
import { installedTracing } from '../tracing';
import { createWebhookServer, type Readiness, type RouteMode, type RunStateUpdate } from '../webhook';
import { lazyClient } from './connect-temporal';
import { createMonitorRouter } from './monitor-router';
import { createTemporalProbe } from './temporal-probe';

export interface RunningListener {
  address: { host: string; port: number };
  client: Client;
  connection: Connection;
  /** Stop accepting, drain in-flight requests (up to graceMs), close the Temporal client. */
  close(graceMs: number): Promise<void>;
}

/**
 * Spacelift's delivery timeout is not documented; answer well within common 10-30 s limits. A start that
 * has not been accepted by then becomes a 503 and Spacelift redelivers.
 */
const START_DEADLINE_MS = 8_000;
/** Signalling a run's monitor (with a describe when it is not running); with a start, the two stay under ~12 s. */
const ROUTE_DEADLINE_MS = 4_000;

/** The webhook listener plus the Temporal client it starts chains (and signals run monitors) with. */
export async function startListener(options: {
  config: Pick<Config, 'temporal' | 'webhook' | 'cascade' | 'cascadeKeyId'>;
  logger: Logger;
  metrics: CascadeMetrics;
  /** Extra readiness condition (serve: the worker is RUNNING). */
  workerReady?: () => Readiness;
}): Promise<RunningListener> {
  const { config, logger, metrics } = options;
  const connection = lazyClient(config.temporal);
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    interceptors: { workflow: installedTracing()?.clientInterceptors ?? [] },
  });
  const probe = createTemporalProbe(connection, config.temporal.address);
  const routeToMonitor = createMonitorRouter(client);
  const startSettings = { taskQueue: config.temporal.taskQueue, cascade: config.cascade };
  const ownTrigger = cascadeTriggeredBy(config);
  const server = createWebhookServer({
    config: config.webhook,
    metrics,
    logger: logger.child({ component: 'webhook' }),
    startCascade: (request: StartCascadeRequest) =>
      connection.withDeadline(Date.now() + START_DEADLINE_MS, () => startCascade(client, startSettings, request)),
    routeRunState: (update: RunStateUpdate, mode: RouteMode) =>
      connection.withDeadline(Date.now() + ROUTE_DEADLINE_MS, () => routeToMonitor(update, mode)),
    ...(ownTrigger !== undefined ? { cascadeTriggeredBy: ownTrigger } : {}),
    watchesRuns: config.cascade.mode === 'graph',
    isReady: async () => {
      const worker = options.workerReady?.() ?? true;
      if (worker !== true && !(typeof worker === 'object' && worker.ready)) return worker;
      const temporal = await probe();
      return { ready: temporal.ok, reason: temporal.reason };
    },
  });
  try {
    const address = await server.listen();
    return {
      address,
      client,
      connection,
      close: async (graceMs) => {
        try {
          await server.close(graceMs);
        } finally {
          await connection.close();
        }
      },
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

/**
 * In graph mode, runs triggered with the worker's API key belong to a cascade: their webhooks go to their monitors and
 * never start a cascade; any other run's webhook goes straight to its start (one Temporal call each). The listener
 * knows the key when it has SPACELIFT_API_KEY_ID (serve always; `webhook` when given it, alone or with the rest);
 * without it, it asks Temporal first. Both forms of `triggeredBy` are recognised (src/spacelift/triggered-by.ts).
 */
export function cascadeTriggeredBy(
  config: Pick<Config, 'cascade' | 'cascadeKeyId'>,
): ((triggeredBy: string | null | undefined) => boolean) | undefined {
  const keyId = config.cascade.mode === 'graph' ? config.cascadeKeyId : undefined;
  return keyId !== undefined ? (triggeredBy) => isOwnTrigger(triggeredBy, keyId) : undefined;
}
