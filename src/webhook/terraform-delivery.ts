import type { IncomingMessage } from 'node:http';
import type { WebhookConfig } from '../config/types';
import type { LogFields } from '../log/logger';
import { unitId } from '../platform/units';
import { parseTerraformNotification, TERRAFORM_SIGNATURE_HEADER, verifyTerraformSignature } from '../terraform/webhook';
import type { DeliveryDeps } from './delivery-deps';
import { readSignedJson } from './gate';
import { ignored, rejected, type Reply } from './reply';
import { routeToMonitor, unwatchedReason } from './route-run-state';
import { startAndReply } from './start-and-reply';

export const TERRAFORM_WEBHOOK_PATH = '/webhooks/terraform';

/**
 * POST /webhooks/terraform: an HCP Terraform generic notification (docs/platforms.md). The same gate as
 * Spacelift's, with the signature in X-TFE-Notification-Signature (hex HMAC-SHA512, TFC_WEBHOOK_SECRET). HCP
 * Terraform does not document the Content-Type it sends, so a request without one is accepted when its signature
 * verifies (not under --insecure-skip-signature, where nothing would vouch for it); a non-JSON type is 415 → schema
 * 422 → a verification ping or a notification about no run: 200 → a run this service created: its monitor (200
 * delivered/duplicate; 202 while it has none) → a state that does not start a cascade: 202 → start the cascade of
 * `tfc:<workspace>`.
 */
export async function handleTerraformDelivery(req: IncomingMessage, deps: DeliveryDeps): Promise<Reply> {
  const { config } = deps;
  const body = await readSignedJson(req, {
    maxBodyBytes: config.maxBodyBytes,
    verify: (raw) => signatureProblem(req, raw, config),
    allowMissingContentType: !config.insecureSkipSignature,
  });
  if ('reply' in body) return body.reply;

  const parsed = parseTerraformNotification(body.payload);
  if (!parsed.ok) return rejected(422, 'invalid_payload', parsed.reason, { field: parsed.field });
  const { event } = parsed;
  if (!event)
    return {
      status: 200,
      outcome: 'ignored',
      body: { status: 'ignored', reason: 'not a run notification (verification or workspace event)' },
    };

  const unit = unitId('tfc', event.workspace);
  const fields: LogFields = { stackId: unit, runId: event.runId, state: event.state, runStatus: event.runStatus, trigger: event.trigger };
  // The message marker tells the runs a cascade created: only those can have a monitor (one Temporal call).
  if (event.triggeredByCascade) {
    if (deps.watchesRuns === false)
      return ignored('run was created by a cascade (its message says so); the cascade that created it follows it', fields);
    // No delta: notifications carry no resource counts, so the monitor reads them from the run (deltaUnknown).
    const update = { unitId: unit, runId: event.runId, state: event.state };
    return (
      (await routeToMonitor(update, deps.routeRunState, 'signal', fields)) ??
      ignored(unwatchedReason('created by a cascade (its message says so)'), fields)
    );
  }
  if (!config.triggerStates.includes(event.state))
    return ignored(`state ${event.state} (${event.runStatus}) does not start a chain`, fields);
  // Notifications carry no resource counts: `when:changed` edges below a workspace do not fire (docs/platforms.md).
  return startAndReply({ stackId: unit, runId: event.runId, runState: event.state, runDelta: null }, deps.startCascade, fields);
}

/** X-TFE-Notification-Signature (hex HMAC-SHA512, TFC_WEBHOOK_SECRET): why it fails, or undefined. */
function signatureProblem(req: IncomingMessage, raw: Buffer, config: WebhookConfig): string | undefined {
  if (config.insecureSkipSignature) return undefined;
  const check = verifyTerraformSignature(raw, req.headers[TERRAFORM_SIGNATURE_HEADER], config.terraformSecrets);
  if (check === 'missing') return 'missing X-TFE-Notification-Signature header';
  if (check === 'malformed') return 'X-TFE-Notification-Signature must be 128 hex digits (HMAC-SHA512)';
  if (check === 'mismatch') return 'X-TFE-Notification-Signature does not match the body';
  return undefined;
}
