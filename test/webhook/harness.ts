import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookConfig } from '../../src/config/types';
import { createLogger, type Logger } from '../../src/log/logger';
import { createCascadeMetrics, type CascadeMetrics } from '../../src/metrics';
import type { StartCascadeOutcome, StartCascadeRequest } from '../../src/temporal/start-cascade';
import {
  createWebhookServer,
  signPayload,
  type ReadinessCheck,
  type RouteMode,
  type RouteRunState,
  type RunStateUpdate,
  type WebhookServer,
} from '../../src/webhook';

export const SECRET = 'current-webhook-secret';
export const OLD_SECRET = 'previous-webhook-secret';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'webhooks');
export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

export function webhookConfig(overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    secrets: [SECRET, OLD_SECRET],
    terraformSecrets: [],
    insecureSkipSignature: false,
    maxBodyBytes: 64 * 1024,
    triggerStates: ['FINISHED'],
    runTypes: ['TRACKED'],
    ...overrides,
  };
}

export interface Harness {
  server: WebhookServer;
  base: string;
  port: number;
  metrics: CascadeMetrics;
  logs: string[];
  starts: StartCascadeRequest[];
  /** Every event handed to the run-state router, in order. */
  routed: RunStateUpdate[];
  /** How each of them was routed: 'signal' (a run known to be a cascade's) or 'ask' (describe first). */
  routeModes: RouteMode[];
}

export interface HarnessOptions {
  config?: Partial<WebhookConfig>;
  startCascade?: (req: StartCascadeRequest) => Promise<StartCascadeOutcome>;
  /** Default: no cascade watches any run ('no-monitor'). */
  routeRunState?: RouteRunState;
  cascadeTriggeredBy?: (triggeredBy: string | null | undefined) => boolean;
  watchesRuns?: boolean;
  isReady?: ReadinessCheck;
  logger?: Logger;
}

export async function startHarness(t: tap.Test, options: HarnessOptions = {}): Promise<Harness> {
  const logs: string[] = [];
  const starts: StartCascadeRequest[] = [];
  const routed: RunStateUpdate[] = [];
  const routeModes: RouteMode[] = [];
  const routeRunState = options.routeRunState ?? (async () => 'no-monitor' as const);
  const metrics = createCascadeMetrics();
  const startCascade =
    options.startCascade ??
    (async (req: StartCascadeRequest): Promise<StartCascadeOutcome> => ({
      status: 'started',
      workflowId: `cascade-${req.stackId}-${req.runId}`,
    }));
  const server = createWebhookServer({
    config: webhookConfig(options.config),
    startCascade: (req) => {
      starts.push(req);
      return startCascade(req);
    },
    routeRunState: (event, mode) => {
      routed.push(event);
      routeModes.push(mode);
      return routeRunState(event, mode);
    },
    ...(options.cascadeTriggeredBy !== undefined ? { cascadeTriggeredBy: options.cascadeTriggeredBy } : {}),
    ...(options.watchesRuns !== undefined ? { watchesRuns: options.watchesRuns } : {}),
    isReady: options.isReady ?? (() => true),
    metrics,
    logger: options.logger ?? createLogger({ level: 'debug', write: (line) => logs.push(line) }),
  });
  const { port } = await server.listen();
  t.teardown(() => server.close(100));
  return { server, base: `http://127.0.0.1:${port}`, port, metrics, logs, starts, routed, routeModes };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Write the body in pieces without a Content-Length (chunked). */
  chunked?: boolean;
  timeoutMs?: number;
}

/** One HTTP request over a fresh connection, with a hard timeout so no test can hang. */
export function send(port: number, options: SendOptions = {}): Promise<HttpResult> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'POST',
      path: options.path ?? '/webhooks/spacelift',
      agent: false,
      headers: { ...(body && !options.chunked ? { 'content-length': body.length } : {}), ...options.headers },
      timeout: options.timeoutMs ?? 5_000,
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON (metrics, HEAD)
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    if (body && options.chunked) {
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** A correctly signed JSON delivery of `body`. */
export function deliver(port: number, body: Buffer | string, secret = SECRET, extra: Record<string, string> = {}): Promise<HttpResult> {
  return send(port, {
    body,
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(body, secret), ...extra },
  });
}
