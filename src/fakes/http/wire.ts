/** The HTTP plumbing the fake platforms share: JSON bodies in, replies out, or a hung or reset connection instead. */
import type http from 'node:http';

export type Payload = Record<string, unknown>;
export type Reply = { status: number; headers?: Record<string, string> } & ({ payload: Payload } | { raw: string });
/** What a fake does with a request: answer it, leave it hanging (close() ends it), or destroy the socket. */
export type Answer<R extends Reply = Reply> = R | 'hang' | 'reset';

export function sendReply(res: http.ServerResponse, reply: Reply, contentType: string): void {
  if (res.destroyed) return;
  const body = 'payload' in reply ? JSON.stringify(reply.payload) : reply.raw;
  res.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
  res.end(body);
}

export function deliver(req: http.IncomingMessage, res: http.ServerResponse, answer: Answer, contentType: string): void {
  if (answer === 'hang') return;
  if (answer === 'reset') return void req.socket.destroy();
  sendReply(res, answer, contentType);
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON object in `text`; undefined for invalid JSON and for any other JSON value. */
export function parseJson(text: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
