/**
 * The node:http life cycle the fake platforms (src/fakes/spacelift, src/fakes/terraform) share: an ephemeral port on
 * 127.0.0.1, a bug in a handler answered with a 500 that names the fake, and a close() that neither keep-alive nor
 * deliberately hung connections can hold open.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { sendReply } from './wire';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface LoopbackServerOptions {
  /** Prefixes the log line and the 500 answer of a handler that throws, e.g. 'fake-spacelift'. */
  name: string;
  /** The content type of that 500 answer. */
  contentType: string;
}

export class LoopbackServer {
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;

  constructor({ name, contentType }: LoopbackServerOptions, handle: RequestHandler) {
    this.server = http.createServer((req, res) => {
      handle(req, res).catch((err: unknown) => {
        // A bug in the fake must not pass for a platform failure the client is expected to survive.
        console.error(`${name}:`, err);
        sendReply(res, { status: 500, raw: `${name} bug: ${String(err)}` }, contentType);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Resolves with the base URL, e.g. http://127.0.0.1:40123. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as { port: number };
        resolve(`http://127.0.0.1:${port}`);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive and deliberately hung connections (an intercepted 'hang') would otherwise hold close() open.
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
