import { connect } from 'node:net';

/**
 * Opens and closes one TCP connection to host:port. gRPC retries a refused or unresolvable address until
 * its deadline and then only says "Failed to connect before the deadline"; this names the real cause
 * (ECONNREFUSED, ENOTFOUND, timeout) in milliseconds.
 */
export function probeTcp(address: string, timeoutMs: number): Promise<void> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(new Error(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP connection within ${timeoutMs} ms`));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') fail(`cannot resolve host ${host} (${err.code})`);
      else fail(err.message);
    });
  });
}
