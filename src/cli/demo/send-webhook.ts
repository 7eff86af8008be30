import { signPayload } from '../../webhook/verify-signature';
import { WEBHOOK_PATH } from '../../webhook/server';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `payload` exactly as Spacelift would: raw JSON bytes plus X-Signature-256 over them. */
export async function sendSignedWebhook(baseUrl: string, payload: unknown, secret: string): Promise<WebhookAnswer> {
  const body = Buffer.from(JSON.stringify(payload, null, 2));
  const res = await fetch(`${baseUrl}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(body, secret), 'user-agent': 'spacelift-cascade-demo' },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
