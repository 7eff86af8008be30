import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/webhook/verify-signature';

export interface ReceivedNotification {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  /** valid / missing / malformed / mismatch against the receiver's secret (valid when it has none to check). */
  signature: string;
}

export interface NotifyReceiver {
  url: string;
  received: ReceivedNotification[];
  /** Status answered to the next requests, in order; 200 once they are used up. */
  answerWith(...statuses: number[]): void;
  /** Resolves when `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

/** A local HTTP receiver for notifications that checks X-Signature-256 with `secret`, as a real receiver would. */
export async function startNotifyReceiver(
  options: { secret?: string; path?: string; alwaysAnswer?: number } = {},
): Promise<NotifyReceiver> {
  const received: ReceivedNotification[] = [];
  const queued: number[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = options.secret ? verifySignature(raw, req.headers['x-signature-256'], [options.secret]) : 'valid';
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        raw: raw.toString(),
        body: JSON.parse(raw.toString()) as Record<string, unknown>,
        signature,
      });
      const status = signature !== 'valid' ? 401 : (queued.shift() ?? options.alwaysAnswer ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver says no');
      waiters.forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/notify'}`,
    received,
    answerWith: (...statuses) => void queued.push(...statuses),
    waitFor: (count, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${received.length} of ${count} notifications within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
