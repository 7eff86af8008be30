/**
 * What a signed, well-formed JSON delivery is about. A notification policy can route more than run state changes
 * to the same webhook (user-documentation docs/concepts/policy/notification-policy.md: `internal_error`,
 * `module_version`, and custom payloads); an audit trail webhook pointed here sends audit events
 * (docs/integrations/audit-trail.md). Those are acknowledged (202 ignored) and counted by type, because Spacelift
 * disables a webhook after 10 consecutive failures (docs/integrations/webhooks.md), which would cut off the run
 * state events too. Only a body that looks like a run state event goes on to the schema, and a malformed one is 422.
 */

/**
 * A body "looks like a run state event" when it is a JSON object with one of these keys: those of the default run
 * event payload (docs/integrations/webhooks.md, "Run events") that no other default payload has, plus
 * `run_updated`, the notification policy input a policy might route instead (answered 422: it is a run state
 * change in a shape the cascade cannot read, and saying so is better than ignoring every run).
 */
export const RUN_EVENT_KEYS: readonly string[] = ['run', 'stack', 'state', 'stateVersion', 'run_updated'];

/** The label values of spacelift_cascade_webhook_other_events_total: a fixed set, so the series stay few. */
export const OTHER_EVENT_TYPES = ['internal_error', 'audit_trail', 'other'] as const;
export type OtherEventType = (typeof OTHER_EVENT_TYPES)[number];

export type DeliveryKind = { runEvent: true } | { runEvent: false; eventType: OtherEventType };

export function classifyDelivery(payload: unknown): DeliveryKind {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { runEvent: false, eventType: 'other' };
  if (RUN_EVENT_KEYS.some((key) => Object.hasOwn(payload, key))) return { runEvent: true };
  return { runEvent: false, eventType: otherEventType(payload as Record<string, unknown>) };
}

/**
 * internal_error: "Internal errors will always have the same fields set" — title, body, error, severity, account
 * (docs/integrations/webhooks.md). audit_trail: "Every audit trail payload conforms to the same schema" — account,
 * action, actor, context, data, remoteIP, timestamp (docs/integrations/audit-trail.md). Anything else: other.
 */
function otherEventType(body: Record<string, unknown>): OtherEventType {
  const strings = (...keys: string[]) => keys.every((key) => typeof body[key] === 'string');
  if (strings('title', 'error', 'severity')) return 'internal_error';
  if (strings('action', 'actor')) return 'audit_trail';
  return 'other';
}
