import { OTHER_EVENT_TYPES } from '../webhook/event-type';
import type { CascadeOutcome } from '../workflows/sinks';
import { Registry, type Counter, type Gauge, type Histogram } from './registry';

/** What the webhook gate reports per request; one label value per status it can answer with. */
export type WebhookOutcome =
  | 'started'
  | 'delivered'
  | 'duplicate'
  | 'ignored'
  | 'unavailable'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'too_large'
  | 'unauthorized'
  | 'bad_json'
  | 'invalid_payload'
  | 'error';

/** Calls to one platform's API: counted, failures by error class, latency; by operation. */
export interface PlatformCallMetrics {
  calls: Counter<'operation'>;
  errors: Counter<'operation' | 'error'>;
  duration: Histogram<'operation'>;
}

export interface CascadeMetrics {
  registry: Registry;
  webhooks: Counter<'outcome'>;
  /** Signed deliveries that are not run state events (internal errors, audit events, custom payloads), by type. */
  webhookOtherEvents: Counter<'event_type'>;
  chainsStarted: Counter;
  webhookDuration: Histogram<'outcome'>;
  spaceliftCalls: Counter<'operation'>;
  spaceliftErrors: Counter<'operation' | 'error'>;
  spaceliftDuration: Histogram<'operation'>;
  /** The HCP Terraform API, when configured (spacelift_cascade_terraform_*). */
  terraform: PlatformCallMetrics;
  /** Reported by the workflows through sinks (src/metrics/workflow-sinks.ts). */
  cascades: Counter<'outcome'>;
  triggers: Counter;
  approvalsWaiting: Gauge;
}

const CASCADE_OUTCOMES: readonly CascadeOutcome[] = ['completed', 'failed', 'cancelled'];

/** Seconds; webhook handling is dominated by one Temporal start call, Spacelift calls by network latency. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SPACELIFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createCascadeMetrics(): CascadeMetrics {
  const registry = new Registry();
  const cascades = registry.counter('spacelift_cascade_cascades_total', 'Cascades ended, by outcome (failed: any stack failed).', ['outcome']);
  // Every outcome exported as 0 from the start, so rate() and alerts see the series before the first cascade ends.
  for (const outcome of CASCADE_OUTCOMES) cascades.inc({ outcome }, 0);
  const webhookOtherEvents = registry.counter(
    'spacelift_cascade_webhook_other_events_total',
    'Signed webhook deliveries that are not run state events (answered 202 ignored), by event type.',
    ['event_type'],
  );
  for (const eventType of OTHER_EVENT_TYPES) webhookOtherEvents.inc({ event_type: eventType }, 0);
  return {
    registry,
    webhooks: registry.counter('spacelift_cascade_webhooks_total', 'Webhook deliveries by outcome.', ['outcome']),
    webhookOtherEvents,
    chainsStarted: registry.counter('spacelift_cascade_chains_started_total', 'Dependency chain workflows started.'),
    webhookDuration: registry.histogram('spacelift_cascade_webhook_duration_seconds', 'Time to answer a webhook delivery.', ['outcome'], WEBHOOK_BUCKETS),
    spaceliftCalls: registry.counter('spacelift_cascade_spacelift_requests_total', 'Spacelift API calls by operation.', ['operation']),
    spaceliftErrors: registry.counter('spacelift_cascade_spacelift_errors_total', 'Failed Spacelift API calls by operation and error class.', ['operation', 'error']),
    spaceliftDuration: registry.histogram('spacelift_cascade_spacelift_request_duration_seconds', 'Spacelift API call latency by operation.', ['operation'], SPACELIFT_BUCKETS),
    terraform: {
      calls: registry.counter('spacelift_cascade_terraform_requests_total', 'HCP Terraform API calls by operation.', ['operation']),
      errors: registry.counter('spacelift_cascade_terraform_errors_total', 'Failed HCP Terraform API calls by operation and error class.', ['operation', 'error']),
      duration: registry.histogram('spacelift_cascade_terraform_request_duration_seconds', 'HCP Terraform API call latency by operation.', ['operation'], SPACELIFT_BUCKETS),
    },
    cascades,
    triggers: registry.counter('spacelift_cascade_triggers_total', 'Runs triggered by cascades and direct chains (Spacelift and HCP Terraform).'),
    approvalsWaiting: registry.gauge('spacelift_cascade_approvals_waiting', 'Stacks waiting for approval in the cascades this worker runs.'),
  };
}
