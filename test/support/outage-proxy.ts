import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OutageProxy {
  url: string;
  /** While down, every request is answered 503, as a Spacelift outage would be. */
  setDown(down: boolean): void;
  /** Requests answered 503 so far. */
  refused(): number;
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 in front of `target` (the fake Spacelift) that can play an outage for a while. */
export async function startOutageProxy(target: string): Promise<OutageProxy> {
  const to = new URL(target);
  let down = false;
  let refused = 0;
  const server: Server = createServer((req, res) => {
    if (down) {
      refused += 1;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Service Unavailable"}');
      return;
    }
    const upstream = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setDown: (value) => void (down = value),
    refused: () => refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
