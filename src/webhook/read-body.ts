import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly declaredLength?: number,
  ) {
    super(`body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away mid-body; there is nobody left to answer. */
export class BodyAbortedError extends Error {
  constructor(cause: unknown) {
    super('client aborted the request body', { cause });
    this.name = 'BodyAbortedError';
  }
}

/**
 * Buffers the raw body (the signature covers exact bytes), refusing early on a declared Content-Length over
 * the limit and otherwise stopping as soon as the running total passes it, so a huge body is never held.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit, declared));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        // Stop reading: the socket is closed after the 413 is written (Connection: close).
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new BodyAbortedError(err));
    };
    const onClose = (): void => {
      if (req.complete) return;
      cleanup();
      reject(new BodyAbortedError(new Error('connection closed')));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
