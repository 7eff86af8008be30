import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

const SIGNATURE_HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Verifies `X-Signature-256: sha256=<hex>` (HMAC-SHA256 of the RAW body, as GitHub does) against every
 * configured secret, so a secret can be rotated without dropping deliveries. The digests are compared as
 * equal-length byte buffers with timingSafeEqual, and every secret is tried even after a match, so the
 * response time says nothing about how close a forged signature came or which secret matched.
 */
export function verifySignature(rawBody: Buffer, header: string | string[] | undefined, secrets: readonly string[]): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  const match = typeof header === 'string' ? SIGNATURE_HEADER.exec(header.trim()) : null;
  if (!match?.[1]) return 'malformed';
  return matchesAnySecret('sha256', rawBody, Buffer.from(match[1], 'hex'), secrets) ? 'valid' : 'mismatch';
}

/**
 * True when `received` is the HMAC of the body under any of the secrets. Digests are compared as equal-length
 * buffers (the caller checked the length) with timingSafeEqual, and every secret is tried even after a match.
 */
export function matchesAnySecret(algorithm: 'sha256' | 'sha512', rawBody: Buffer, received: Buffer, secrets: readonly string[]): boolean {
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(createHmac(algorithm, secret).update(rawBody).digest(), received)) matched = true;
  }
  return matched;
}

/** The header value Spacelift would send for this body: used by the demo and tests. */
export function signPayload(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
