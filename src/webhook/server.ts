import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookConfig } from '../config/types';
import type { Logger } from '../log/logger';
import { traceDelivery } from '../tracing/trace-delivery';
import { PROMETHEUS_CONTENT_TYPE, type CascadeMetrics } from '../metrics/cascade-metrics';
import { describeError } from '../log/describe-error';
import type { DeliveryDeps } from './delivery-deps';
import { BodyAbortedError } from './read-body';
import { checkReadiness, type ReadinessCheck } from './readiness';
import type { Reply } from './reply';
import type { RouteRunState } from './route-run-state';
import { handleSpaceliftDelivery, WEBHOOK_PATH } from './spacelift-delivery';
import type { StartCascade } from './start-and-reply';
import { handleTerraformDelivery, TERRAFORM_WEBHOOK_PATH } from './terraform-delivery';

const PROBES: Readonly<Record<string, readonly string[]>> = {
  '/healthz': ['GET', 'HEAD'],
  '/readyz': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};

/** POST /webhooks/terraform exists only when TFC_WEBHOOK_SECRET (or --insecure-skip-signature) is set. */
function routesFor(config: WebhookConfig): Readonly<Record<string, readonly string[]>> {
  const terraform = config.terraformSecrets.length > 0 || config.insecureSkipSignature;
  return { [WEBHOOK_PATH]: ['POST'], ...(terraform ? { [TERRAFORM_WEBHOOK_PATH]: ['POST'] } : {}), ...PROBES };
}

const isWebhook = (path: string) => path === WEBHOOK_PATH || path === TERRAFORM_WEBHOOK_PATH;

/** Slow or stalled clients must not pin sockets; Spacelift sends small bodies at once. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Scanners send long junk paths; echo only the start of one. */
const MAX_PATH_ECHO = 100;

export interface WebhookServerOptions {
  config: WebhookConfig;
  startCascade: StartCascade;
  /** The fast path: hands a run's state to the cascade monitor watching it, if any (see route-run-state.ts). */
  routeRunState: RouteRunState;
  /** Graph mode: recognises the worker's Spacelift key in a run's `triggeredBy` (see DeliveryDeps). */
  cascadeTriggeredBy?: (triggeredBy: string | null | undefined) => boolean;
  /** False in direct mode, where no cascade watches runs: no webhook is routed to a monitor. Default true. */
  watchesRuns?: boolean;
  isReady: ReadinessCheck;
  metrics: CascadeMetrics;
  logger: Logger;
}

export interface WebhookServer {
  server: Server;
  /** Binds config.host:config.port (0 = any free port) and resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish, and cuts whatever is left after graceMs. */
  close(graceMs: number): Promise<void>;
}

export class ListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    super(`cannot listen on ${host}:${port}: ${describeError(cause)}`, { cause });
    this.name = 'ListenError';
  }
}

export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const { config, metrics, logger } = options;
  let closing = false;
  const routes = routesFor(config);
  const deliveryDeps: DeliveryDeps = {
    config,
    startCascade: options.startCascade,
    routeRunState: options.routeRunState,
    ...(options.cascadeTriggeredBy !== undefined ? { cascadeTriggeredBy: options.cascadeTriggeredBy } : {}),
    ...(options.watchesRuns !== undefined ? { watchesRuns: options.watchesRuns } : {}),
  };

  const route = async (req: IncomingMessage, path: string): Promise<Reply> => {
    const methods = routes[path];
    if (!methods) return { status: 404, body: { status: 'rejected', reason: `no route for ${path.slice(0, MAX_PATH_ECHO)}` } };
    if (!methods.includes(req.method ?? '')) {
      return {
        status: 405,
        ...(isWebhook(path) ? { outcome: 'method_not_allowed' as const } : {}),
        headers: { allow: methods.join(', ') },
        body: { status: 'rejected', reason: `${req.method} is not allowed on ${path}; use ${methods.join(' or ')}` },
      };
    }
    switch (path) {
      case '/healthz':
        return { status: 200, body: { status: 'ok' } };
      case '/readyz': {
        const readiness = closing ? { ready: false, reason: 'shutting down' } : await checkReadiness(options.isReady);
        return readiness.ready
          ? { status: 200, body: { status: 'ready' } }
          : { status: 503, body: { status: 'not_ready', reason: readiness.reason } };
      }
      case '/metrics':
        return { status: 200, body: { text: await metrics.exposition(), contentType: PROMETHEUS_CONTENT_TYPE } };
      case TERRAFORM_WEBHOOK_PATH:
        return handleTerraformDelivery(req, deliveryDeps);
      default:
        return handleSpaceliftDelivery(req, deliveryDeps);
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let reply: Reply;
    try {
      // Deliveries only: a probe or a scrape every few seconds would bury them.
      reply = isWebhook(path) ? await traceDelivery(req.method ?? 'POST', path, () => route(req, path)) : await route(req, path);
    } catch (err) {
      if (err instanceof BodyAbortedError) {
        logger.debug('webhook client went away mid-body', { path });
        return;
      }
      logger.error('request handler failed', { path, method: req.method, error: describeError(err) });
      reply = {
        status: 500,
        ...(isWebhook(path) ? { outcome: 'error' as const } : {}),
        body: { status: 'error', reason: 'internal error' },
      };
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The answer first: its log line and counters are not the platform's business.
    writeReply(res, reply, closing);
    if (reply.outcome) record(reply, seconds);
  };

  const record = (reply: Reply, seconds: number): void => {
    const outcome = reply.outcome ?? 'error';
    metrics.webhooks.inc({ outcome });
    if (reply.eventType) metrics.webhookOtherEvents.inc({ event_type: reply.eventType });
    metrics.webhookDuration.observe({ outcome }, seconds);
    if (outcome === 'started') metrics.chainsStarted.inc({});
    const reason = 'reason' in reply.body ? reply.body.reason : undefined;
    const fields = {
      status: reply.status,
      outcome,
      durationMs: Math.round(seconds * 1000),
      ...reply.fields,
      ...(reason ? { reason } : {}),
    };
    if (reply.status >= 500) logger.warn('webhook not processed', fields);
    else if (reply.status >= 400) logger.warn('webhook rejected', fields);
    else logger.info(`webhook ${outcome}`, fields);
  };

  const server = createServer((req, res) => {
    // onRequest catches handler errors itself; this guards against a failure while writing the reply.
    onRequest(req, res).catch((err: unknown) => {
      logger.error('writing a response failed', { error: describeError(err) });
      res.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(new ListenError(config.host, config.port, err));
        server.once('error', onError);
        server.listen(config.port, config.host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      }),
    close: async (graceMs) => {
      closing = true;
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}

function writeReply(res: ServerResponse, reply: Reply, closing: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const { text, contentType } =
    'text' in reply.body && 'contentType' in reply.body
      ? reply.body
      : { text: JSON.stringify(reply.body), contentType: 'application/json; charset=utf-8' };
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.statusCode = reply.status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('cache-control', 'no-store');
  // While draining, tell keep-alive clients to go away so the server can finish closing.
  if (closing) res.setHeader('connection', 'close');
  res.end(text);
}
