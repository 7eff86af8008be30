import type { IncomingMessage } from 'node:http';
import type { WebhookConfig } from '../config/types';
import type { LogFields } from '../log/logger';
import { toRunDelta } from '../platform/run-delta';
import { shouldStartCascade } from './cascade-filter';
import type { DeliveryDeps } from './delivery-deps';
import { classifyDelivery } from './event-type';
import { readSignedJson } from './gate';
import { ignored, rejected, type Reply } from './reply';
import { routeToMonitor, unwatchedReason } from './route-run-state';
import { startAndReply } from './start-and-reply';
import { validateRunEvent } from './validate-run-event';
import { verifySignature } from './verify-signature';

export const WEBHOOK_PATH = '/webhooks/spacelift';

/**
 * POST /webhooks/spacelift after routing: the gate (gate.ts; the signature in X-Signature-256) → not a run state
 * event 202 (event-type.ts) → schema 422 → a run a cascade triggered: its monitor (200 delivered/duplicate; 202 while
 * it has none) → filter 202 → start the chain (200, or 503 so Spacelift retries).
 */
export async function handleSpaceliftDelivery(req: IncomingMessage, deps: DeliveryDeps): Promise<Reply> {
  const { config } = deps;
  const body = await readSignedJson(req, { maxBodyBytes: config.maxBodyBytes, verify: (raw) => signatureProblem(req, raw, config) });
  if ('reply' in body) return body.reply;
  const { payload } = body;

  const kind = classifyDelivery(payload);
  if (!kind.runEvent) {
    const reason = `not a run state event (${kind.eventType}); only run state changes start cascades`;
    return { ...ignored(reason, { eventType: kind.eventType }), eventType: kind.eventType };
  }
  const validation = validateRunEvent(payload);
  if (!validation.ok) return rejected(422, 'invalid_payload', validation.reason, { field: validation.field });
  const { event } = validation;
  const fields: LogFields = {
    stackId: event.stack.id,
    runId: event.run.id,
    runType: event.run.type,
    state: event.state,
    stateVersion: event.stateVersion,
  };
  const delta = toRunDelta(event.run.delta);

  const update = { unitId: event.stack.id, runId: event.run.id, state: event.state, stateVersion: event.stateVersion, delta };
  // One Temporal call per delivery. Graph mode with the worker's key: a run a cascade triggered is signalled to its
  // monitor, any other run is never watched and goes to the filter and the start. Without the key the listener cannot
  // tell them apart and asks Temporal first (describe, then signal or start). Direct mode watches no run.
  const own = deps.watchesRuns === false ? false : deps.cascadeTriggeredBy?.(event.run.triggeredBy);
  if (own !== false) {
    const routed = await routeToMonitor(update, deps.routeRunState, own ? 'signal' : 'ask', fields);
    if (routed) return routed;
  }
  if (own === true) return ignored(unwatchedReason(`triggered by a cascade (${String(event.run.triggeredBy)})`), fields);

  const decision = shouldStartCascade(event, config);
  if (!decision.start) return ignored(decision.reason, fields);
  const request = { stackId: event.stack.id, runId: event.run.id, runState: event.state, runDelta: delta };
  return startAndReply(request, deps.startCascade, fields);
}

/** X-Signature-256 (HMAC-SHA256, WEBHOOK_SECRET): why it fails, or undefined. */
function signatureProblem(req: IncomingMessage, raw: Buffer, config: WebhookConfig): string | undefined {
  if (config.insecureSkipSignature) return undefined;
  const check = verifySignature(raw, req.headers['x-signature-256'], config.secrets);
  if (check === 'missing') return 'missing X-Signature-256 header';
  if (check === 'malformed') return 'X-Signature-256 must be sha256=<64 hex digits>';
  if (check === 'mismatch') return 'X-Signature-256 does not match the body';
  return undefined;
}
