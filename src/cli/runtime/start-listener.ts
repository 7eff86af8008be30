import { Client, type Connection } from '@temporalio/client';
import type { Config } from '../../config/types';
import type { Logger } from '../../log/logger';
import type { CascadeMetrics } from '../../metrics';
import { isOwnTrigger } from '../../spacelift/triggered-by';
import { startChain, type StartChainRequest } from '../../temporal/start-chain';
import { installedTracing } from '../../tracing';
import { createWebhookServer, type Readiness, type RunStateUpdate } from '../../webhook';
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
/** describe + signal of a run's monitor, which comes first; the two deadlines together stay under ~12 s. */
const ROUTE_DEADLINE_MS = 4_000;

/** The webhook listener plus the Temporal client it starts chains (and signals run monitors) with. */
export async function startListener(options: {
  config: Pick<Config, 'temporal' | 'webhook' | 'cascade' | 'spacelift'>;
  logger: Logger;
  metrics: CascadeMetrics;
  /** Extra readiness condition (serve: the worker is RUNNING). */
  workerReady?: () => Readiness;
}): Promise<RunningListener> {
  const { config, logger, metrics } = options;
  const connection = lazyClient(config.temporal);
  const client = new Client({ connection, namespace: config.temporal.namespace, interceptors: { workflow: installedTracing()?.clientInterceptors ?? [] } });
  const probe = createTemporalProbe(connection, config.temporal.address);
  const routeToMonitor = createMonitorRouter(client);
  const startSettings = { taskQueue: config.temporal.taskQueue, cascade: config.cascade };
  const ownTrigger = cascadeTriggeredBy(config);
  const server = createWebhookServer({
    config: config.webhook,
    metrics,
    logger: logger.child({ component: 'webhook' }),
    startChain: (request: StartChainRequest) =>
      connection.withDeadline(Date.now() + START_DEADLINE_MS, () => startChain(client, startSettings, request)),
    routeRunState: (update: RunStateUpdate) => connection.withDeadline(Date.now() + ROUTE_DEADLINE_MS, () => routeToMonitor(update)),
    ...(ownTrigger !== undefined ? { cascadeTriggeredBy: ownTrigger } : {}),
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
 * In graph mode, runs triggered with the worker's API key belong to a cascade and must never start one. The
 * listener knows the key only when it has the Spacelift settings (serve always; `webhook` when they are given).
 * Both forms of `triggeredBy` are recognised (src/spacelift/triggered-by.ts).
 */
export function cascadeTriggeredBy(
  config: Pick<Config, 'cascade' | 'spacelift'>,
): ((triggeredBy: string | null | undefined) => boolean) | undefined {
  const spacelift = config.cascade.mode === 'graph' ? config.spacelift : undefined;
  return spacelift ? (triggeredBy) => isOwnTrigger(triggeredBy, spacelift.apiKeyId) : undefined;
}
