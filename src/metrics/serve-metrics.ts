/**
 * GET /metrics on a port of its own, for a process without the webhook listener (`spacelift-cascade worker`),
 * whose workflows and Spacelift calls would otherwise be counted where nobody can read them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE, type CascadeMetrics } from './cascade-metrics';

export interface MetricsServer {
  address: { host: string; port: number };
  close(): Promise<void>;
}

export async function serveMetrics(
  metrics: Pick<CascadeMetrics, 'exposition'>,
  listen: { host: string; port: number },
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    answer(req, res, metrics).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return { address: { host: address, port }, close: () => closeServer(server) };
}

async function answer(req: IncomingMessage, res: ServerResponse, metrics: Pick<CascadeMetrics, 'exposition'>): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only /metrics is served here\n');
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    res
      .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
      .end(`${req.method} is not allowed on /metrics\n`);
  } else {
    const body = await metrics.exposition();
    res
      .writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) })
      .end(req.method === 'HEAD' ? undefined : body);
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
