import { OTHER_EVENT_TYPES } from '../webhook/event-type';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsBuffer } from '@temporalio/worker';
import type { CascadeOutcome } from '../workflows/sinks';
import { WAIT_STATES } from '../workflows/cascade-types';
import { OldestWaits } from './oldest-waits';
import { bridgeTemporalMetrics } from './temporal-metrics';

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
  /** The whole exposition for GET /metrics (Temporal's buffered updates are folded in first). */
  exposition(): Promise<string>;
  webhooks: Counter<'outcome'>;
  /** Signed deliveries that are not run state events (internal errors, audit events, custom payloads), by type. */
  webhookOtherEvents: Counter<'event_type'>;
  chainsStarted: Counter<never>;
  webhookDuration: Histogram<'outcome'>;
  spaceliftCalls: Counter<'operation'>;
  spaceliftErrors: Counter<'operation' | 'error'>;
  spaceliftDuration: Histogram<'operation'>;
  /** The HCP Terraform API, when configured (spacelift_cascade_terraform_*). */
  terraform: PlatformCallMetrics;
  /** Reported by the workflows through sinks (src/metrics/workflow-sinks.ts). */
  cascades: Counter<'outcome'>;
  triggers: Counter<never>;
  approvalsWaiting: Gauge<never>;
  /** Stuck work: when the oldest stack entered each wait state, per cascade; the gauge reads it at scrape time. */
  oldestWaits: OldestWaits;
  oldestWaitSeconds: Gauge<'state'>;
}

export interface CascadeMetricsOptions {
  /**
   * The Node process metrics every Node service exports (CPU, resident memory, heap, event-loop lag, GC, open
   * file descriptors), under their standard names. Once per process: each call starts its own GC observer.
   */
  processMetrics?: boolean;
  /** The Temporal Runtime's metrics buffer (src/service/install-runtime.ts): worker and client metrics. */
  temporal?: Pick<MetricsBuffer, 'retrieveUpdates'>;
}

/** `text/plain; version=0.0.4; charset=utf-8`, the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const CASCADE_OUTCOMES: readonly CascadeOutcome[] = ['completed', 'failed', 'cancelled'];

/** Seconds; webhook handling is dominated by one Temporal start call, Spacelift calls by network latency. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SPACELIFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createCascadeMetrics(options: CascadeMetricsOptions = {}): CascadeMetrics {
  const registry = new Registry();
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

  const cascades = counter('spacelift_cascade_cascades_total', 'Cascades ended, by outcome (failed: any stack failed).', ['outcome']);
  // Every outcome exported as 0 from the start, so rate() and alerts see the series before the first cascade ends.
  for (const outcome of CASCADE_OUTCOMES) cascades.inc({ outcome }, 0);
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const temporal = options.temporal ? bridgeTemporalMetrics(options.temporal, registry) : undefined;

  const webhookOtherEvents = counter(
    'spacelift_cascade_webhook_other_events_total',
    'Signed webhook deliveries that are not run state events (answered 202 ignored), by event type.',
    ['event_type'],
  );
  for (const eventType of OTHER_EVENT_TYPES) webhookOtherEvents.inc({ event_type: eventType }, 0);

  const oldestWaits = new OldestWaits();
  const oldestWaitSeconds = new Gauge<'state'>({
    name: 'spacelift_cascade_oldest_wait_seconds',
    help: 'Age of the oldest stack waiting in each state (waiting_for_parents/approval/slot/window, triggering, running), across the cascades this worker runs.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const ages = oldestWaits.ages(Date.now());
      for (const state of WAIT_STATES) this.set({ state }, ages[state]);
    },
  });

  return {
    registry,
    exposition: () => {
      temporal?.drain();
      return registry.metrics();
    },
    webhooks: counter('spacelift_cascade_webhooks_total', 'Webhook deliveries by outcome.', ['outcome']),
    webhookOtherEvents,
    chainsStarted: counter('spacelift_cascade_chains_started_total', 'Dependency chain workflows started.'),
    webhookDuration: histogram(
      'spacelift_cascade_webhook_duration_seconds',
      'Time to answer a webhook delivery.',
      ['outcome'],
      WEBHOOK_BUCKETS,
    ),
    spaceliftCalls: counter('spacelift_cascade_spacelift_requests_total', 'Spacelift API calls by operation.', ['operation']),
    spaceliftErrors: counter('spacelift_cascade_spacelift_errors_total', 'Failed Spacelift API calls by operation and error class.', [
      'operation',
      'error',
    ]),
    spaceliftDuration: histogram(
      'spacelift_cascade_spacelift_request_duration_seconds',
      'Spacelift API call latency by operation.',
      ['operation'],
      SPACELIFT_BUCKETS,
    ),
    terraform: {
      calls: counter('spacelift_cascade_terraform_requests_total', 'HCP Terraform API calls by operation.', ['operation']),
      errors: counter('spacelift_cascade_terraform_errors_total', 'Failed HCP Terraform API calls by operation and error class.', [
        'operation',
        'error',
      ]),
      duration: histogram(
        'spacelift_cascade_terraform_request_duration_seconds',
        'HCP Terraform API call latency by operation.',
        ['operation'],
        SPACELIFT_BUCKETS,
      ),
    },
    cascades,
    triggers: counter('spacelift_cascade_triggers_total', 'Runs triggered by cascades and direct chains (Spacelift and HCP Terraform).'),
    approvalsWaiting: new Gauge<never>({
      name: 'spacelift_cascade_approvals_waiting',
      help: 'Stacks waiting for approval in the cascades this worker runs.',
      registers: [registry],
    }),
    oldestWaits,
    oldestWaitSeconds,
  };
}
