import type { IncomingMessage } from 'node:http';
import type { WebhookConfig } from '../config/types';
import type { LogFields } from '../log/logger';
import type { WebhookOutcome } from '../metrics/cascade-metrics';
import type { StartChainOutcome, StartChainRequest } from '../temporal/start-chain';
import { shouldStartChain } from './chain-filter';
import { describeError } from '../log/describe-error';
import { classifyDelivery, type OtherEventType } from './event-type';
import { BodyTooLargeError, readBody } from './read-body';
import { routeToMonitor, type RouteRunState } from './route-run-state';
import type { RunDelta } from '../platform/types';
import type { RunEvent } from './run-event';
import { validateRunEvent } from './validate-run-event';
import { verifySignature } from './verify-signature';

export type StartChain = (request: StartChainRequest) => Promise<StartChainOutcome>;

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

export interface DeliveryDeps {
  config: WebhookConfig;
  startChain: StartChain;
  routeRunState: RouteRunState;
  /**
   * Graph mode, when the listener knows the worker's API key: whether a run's `triggeredBy` names it (`api::<keyId>`
   * or the shortened `api::<prefix>::<name>`, src/spacelift/triggered-by.ts). Such a run's webhook is signalled to its
   * monitor and never starts a cascade; any other run is never watched and goes straight to the filter and the start.
   * Absent: the listener cannot tell, and asks Temporal (describe the run's monitor) before the filter.
   */
  cascadeTriggeredBy?: (triggeredBy: string | null | undefined) => boolean;
  /** False in direct mode: no cascade watches runs there, so no webhook is routed to a monitor. Default true. */
  watchesRuns?: boolean;
}

export const rejected = (status: number, outcome: DeliveryOutcome, reason: string, fields?: LogFields): Reply => ({
  status,
  outcome,
  body: { status: 'rejected', reason },
  ...(fields ? { fields } : {}),
});

/**
 * POST /webhooks/spacelift after routing: content type 415 → size 413 → signature 401 (over the raw bytes,
 * before any parsing) → JSON 400 → not a run state event 202 (event-type.ts) → schema 422 → a run a cascade
 * triggered: its monitor (200 delivered/duplicate; 202 while it has none) → filter 202 → start the chain (200, or 503
 * so Spacelift retries).
 */
export async function handleDelivery(req: IncomingMessage, deps: DeliveryDeps): Promise<Reply> {
  const { config } = deps;
  const body = await readSignedJson(req, config.maxBodyBytes, (raw) => {
    if (config.insecureSkipSignature) return undefined;
    const check = verifySignature(raw, req.headers['x-signature-256'], config.secrets);
    if (check === 'missing') return 'missing X-Signature-256 header';
    if (check === 'malformed') return 'X-Signature-256 must be sha256=<64 hex digits>';
    if (check === 'mismatch') return 'X-Signature-256 does not match the body';
    return undefined;
  });
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
  const fields: LogFields = { stackId: event.stack.id, runId: event.run.id, runType: event.run.type, state: event.state, stateVersion: event.stateVersion };

  const update = {
    unitId: event.stack.id,
    runId: event.run.id,
    state: event.state,
    stateVersion: event.stateVersion,
    delta: deltaOf(event),
  };
  // One Temporal call per delivery. Graph mode with the worker's key: a run a cascade triggered is signalled to its
  // monitor, any other run is never watched and goes to the filter and the start. Without the key the listener cannot
  // tell them apart and asks Temporal first (describe, then signal or start). Direct mode watches no run.
  const own = deps.watchesRuns === false ? false : deps.cascadeTriggeredBy?.(event.run.triggeredBy);
  if (own !== false) {
    const routed = await routeToMonitor(update, deps.routeRunState, own ? 'signal' : 'ask', fields);
    if (routed) return routed;
  }
  if (own === true) return ignored(unwatchedReason(`triggered by a cascade (${String(event.run.triggeredBy)})`), fields);

  const decision = shouldStartChain(event, config);
  if (!decision.start) return ignored(decision.reason, fields);
  return start(event, deps.startChain, fields);
}

/**
 * The gate every platform's webhook passes first: content type 415 → size 413 → signature 401 (over the raw bytes,
 * before any parsing; `verify` answers why it failed, or undefined) → JSON 400. `allowMissingContentType` lets a
 * request without a Content-Type through to the signature check (a wrong one is still 415).
 */
export async function readSignedJson(
  req: IncomingMessage,
  maxBodyBytes: number,
  verify: (raw: Buffer) => string | undefined,
  { allowMissingContentType = false }: { allowMissingContentType?: boolean } = {},
): Promise<{ payload: unknown } | { reply: Reply }> {
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

/**
 * A run a cascade triggered whose monitor is not running: StackRunsWorkflow starts the monitor right after the trigger,
 * so an early webhook can find none; the monitor then polls the run (CASCADE_POLL_INTERVAL) and loses nothing.
 * Acknowledged (202), not 503: a redelivery would tell the monitor nothing its poll does not.
 */
export const unwatchedReason = (why: string): string =>
  `run was ${why}; no monitor of it is running yet: the cascade that triggered it polls the run`;

export const ignored = (reason: string, fields: LogFields): Reply => ({ status: 202, outcome: 'ignored', body: { status: 'ignored', reason }, fields });

function start(event: RunEvent, startChain: StartChain, fields: LogFields): Promise<Reply> {
  const request = { stackId: event.stack.id, runId: event.run.id, runState: event.state, runDelta: deltaOf(event) };
  return startCascade(request, startChain, fields);
}

/** Starts the cascade of a finished run: 200 started/duplicate, or 503 so the platform redelivers. */
export async function startCascade(request: StartChainRequest, startChain: StartChain, fields: LogFields): Promise<Reply> {
  let outcome: StartChainOutcome;
  try {
    outcome = await startChain(request);
  } catch (err) {
    // Temporal is unreachable or refused: a 5xx makes Spacelift redeliver (when retries are enabled).
    return {
      status: 503,
      outcome: 'unavailable',
      body: { status: 'unavailable', reason: 'Temporal did not accept the workflow start; retry' },
      fields: { ...fields, error: describeError(err) },
    };
  }
  return {
    status: 200,
    outcome: outcome.status,
    body: { status: outcome.status, workflowId: outcome.workflowId },
    fields: { ...fields, workflowId: outcome.workflowId },
  };
}

/** The run's delta without `resources`; null when the payload has none or any of its counts is null (unknown). */
function deltaOf(event: RunEvent): RunDelta | null {
  const delta = event.run.delta;
  if (!delta || delta.added === null || delta.changed === null || delta.deleted === null) return null;
  return { added: delta.added, changed: delta.changed, deleted: delta.deleted };
}

/** `application/json` with any parameters (`; charset=utf-8`), case-insensitive. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}
