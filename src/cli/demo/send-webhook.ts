import { signTerraformPayload, TERRAFORM_SIGNATURE_HEADER } from '../../terraform/webhook';
import { signPayload, TERRAFORM_WEBHOOK_PATH, WEBHOOK_PATH } from '../../webhook';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `payload` exactly as Spacelift would: raw JSON bytes plus X-Signature-256 over them. */
export function sendSignedWebhook(baseUrl: string, payload: unknown, secret: string): Promise<WebhookAnswer> {
  return post(`${baseUrl}${WEBHOOK_PATH}`, payload, (body) => ({ 'x-signature-256': signPayload(body, secret) }));
}

/** POSTs `payload` as HCP Terraform's generic notifications do: X-TFE-Notification-Signature, hex HMAC-SHA512. */
export function sendTerraformNotification(baseUrl: string, payload: unknown, secret: string): Promise<WebhookAnswer> {
  return post(`${baseUrl}${TERRAFORM_WEBHOOK_PATH}`, payload, (body) => ({
    [TERRAFORM_SIGNATURE_HEADER]: signTerraformPayload(body, secret),
  }));
}

async function post(url: string, payload: unknown, sign: (body: Buffer) => Record<string, string>): Promise<WebhookAnswer> {
  const body = Buffer.from(JSON.stringify(payload, null, 2));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'spacelift-cascade-demo', ...sign(body) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
