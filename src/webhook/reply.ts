import type { LogFields } from '../log/logger';
import type { WebhookOutcome } from '../metrics/cascade-metrics';
import type { OtherEventType } from './event-type';

/** spacelift_cascade_webhooks_total's outcome label: the gate's outcomes plus the fast path's `delivered`. */
export type DeliveryOutcome = WebhookOutcome;

/** What to answer, plus what to count and log about it. */
export interface Reply {
  status: number;
  /** A small JSON object, or ready-made text (the Prometheus exposition). */
  body: Record<string, string> | { text: string; contentType: string };
  /** Set on webhook deliveries only: the label counted in spacelift_cascade_webhooks_total. */
  outcome?: DeliveryOutcome;
  /** A delivery that is not a run state event: counted in spacelift_cascade_webhook_other_events_total. */
  eventType?: OtherEventType;
  headers?: Record<string, string>;
  /** stackId / runId / workflowId / error, for the request's log line. Never secrets or signatures. */
  fields?: LogFields;
}

/** A delivery the gate or the schema refused (4xx). */
export const rejected = (status: number, outcome: DeliveryOutcome, reason: string, fields?: LogFields): Reply => ({
  status,
  outcome,
  body: { status: 'rejected', reason },
  ...(fields ? { fields } : {}),
});

/** A valid delivery that starts nothing (202). */
export const ignored = (reason: string, fields: LogFields): Reply => ({
  status: 202,
  outcome: 'ignored',
  body: { status: 'ignored', reason },
  fields,
});

/** Temporal did not answer (503): the platform redelivers. `error` goes to the log line only, never to the body. */
export const unavailable = (reason: string, fields: LogFields): Reply => ({
  status: 503,
  outcome: 'unavailable',
  body: { status: 'unavailable', reason },
  fields,
});
