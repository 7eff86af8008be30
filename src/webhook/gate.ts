import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from './read-body';
import { rejected, type Reply } from './reply';

/** Why the raw body's signature fails, or undefined when it verifies (or nothing is checked). */
export type VerifyBody = (raw: Buffer) => string | undefined;

export interface GateOptions {
  maxBodyBytes: number;
  verify: VerifyBody;
  /** Lets a request without a Content-Type through to the signature check (a wrong one is still 415). */
  allowMissingContentType?: boolean;
}

export type GateResult = { payload: unknown } | { reply: Reply };

/**
 * The gate every platform's webhook passes first, in this order: content type 415 → size 413 → signature 401 (over
 * the raw bytes, before any parsing) → JSON 400. The parsed payload is the caller's to validate.
 */
export async function readSignedJson(req: IncomingMessage, options: GateOptions): Promise<GateResult> {
  const { maxBodyBytes, verify, allowMissingContentType = false } = options;
  const contentType = req.headers['content-type'];
  if (!(isJson(contentType) || (allowMissingContentType && contentType === undefined))) {
    return { reply: rejected(415, 'unsupported_media_type', 'content type must be application/json') };
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return { reply: { ...rejected(413, 'too_large', `body exceeds ${maxBodyBytes} bytes`), headers: { connection: 'close' } } };
    }
    throw err;
  }
  const unauthorized = verify(raw);
  if (unauthorized !== undefined) return { reply: rejected(401, 'unauthorized', unauthorized) };
  try {
    return { payload: JSON.parse(raw.toString('utf8')) };
  } catch (err) {
    return { reply: rejected(400, 'bad_json', `body is not valid JSON: ${err instanceof Error ? err.message : 'parse error'}`) };
  }
}

/** `application/json` with any parameters (`; charset=utf-8`), case-insensitive. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}
