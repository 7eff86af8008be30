/**
 * HCP Terraform notification webhooks ("generic" notification configurations): the signature check over the raw
 * body, and the payload parser that turns a run notification into the cascade's terms.
 */
import { createHmac } from 'node:crypto';
import { matchesAnySecret } from '../webhook/verify-signature';
import Ajv, { type ErrorObject } from 'ajv';
import { mapRunStatus, triggeredByOf } from './states';
import type { NotificationPayload } from './types';
import { valueAt } from './validate';

export type TerraformSignatureCheck = 'ok' | 'missing' | 'malformed' | 'mismatch';

/** The header HCP Terraform signs generic notifications with, when the configuration has a token. */
export const TERRAFORM_SIGNATURE_HEADER = 'x-tfe-notification-signature';

/** Hex HMAC-SHA512: 128 hex digits, no prefix. */
const SIGNATURE = /^[0-9a-fA-F]{128}$/;

/**
 * Verifies `X-TFE-Notification-Signature: <hex HMAC-SHA512 of the RAW body>`, keyed with the notification
 * configuration's token, against every configured secret so a token can be rotated without dropping deliveries.
 * Digests are compared as equal-length buffers with timingSafeEqual, and every secret is tried even after a match,
 * so the response time says nothing about how close a forged signature came or which secret matched.
 */
export function verifyTerraformSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secrets: readonly string[],
): TerraformSignatureCheck {
  if (header === undefined || header === '') return 'missing';
  const value = typeof header === 'string' ? header.trim() : '';
  if (!SIGNATURE.test(value)) return 'malformed';
  return matchesAnySecret('sha512', rawBody, Buffer.from(value, 'hex'), secrets) ? 'ok' : 'mismatch';
}

/** The header value HCP Terraform would send for this body: for the fake, the demo and tests. */
export function signTerraformPayload(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha512', secret).update(rawBody).digest('hex');
}

/** A run notification in the cascade's terms. */
export interface TerraformRunEvent {
  workspace: string;
  organization: string;
  runId: string;
  /** The native status, e.g. applied. */
  runStatus: string;
  /** The mapped state, e.g. FINISHED (src/terraform/states.ts). */
  state: string;
  /** run:completed, run:errored, run:applying ... */
  trigger: string;
  runMessage: string;
  /** The run's message starts with TERRAFORM_RUN_MESSAGE: this service created it. */
  triggeredByCascade: boolean;
}

/** event is null for a verification ping and for notifications that are not about a run. */
export type TerraformNotificationParse = { ok: true; event: TerraformRunEvent | null } | { ok: false; field: string; reason: string };

const NOTIFICATION_SCHEMA = require('../../schemas/terraform-notification.json') as object;
const validate = new Ajv({ allErrors: false, strict: true }).compile<NotificationPayload>(NOTIFICATION_SCHEMA);

/** Checks a parsed body against schemas/terraform-notification.json; failures name the field and the value. */
export function parseTerraformNotification(payload: unknown): TerraformNotificationParse {
  if (!validate(payload)) return schemaFailure(payload, validate.errors ?? []);
  if (payload.payload_version !== 1) return { ok: true, event: null };
  const notifications = payload.notifications;
  // "At present, this is always one event"; should several be rolled up, the last is the newest.
  const index = notifications.length - 1;
  const notification = notifications[index];
  if (!notification.trigger.startsWith('run:')) return { ok: true, event: null };
  const { run_id: runId, workspace_name: workspace, organization_name: organization } = payload;
  const missing = (field: string) => ({
    ok: false as const,
    field,
    reason: `${field} is required for a ${notification.trigger} notification, got null`,
  });
  if (runId === null) return missing('run_id');
  if (workspace === null) return missing('workspace_name');
  if (organization === null) return missing('organization_name');
  if (notification.run_status === null) return missing(`notifications.${index}.run_status`);
  const runMessage = payload.run_message ?? '';
  return {
    ok: true,
    event: {
      workspace,
      organization,
      runId,
      runStatus: notification.run_status,
      state: mapRunStatus(notification.run_status),
      trigger: notification.trigger,
      runMessage,
      triggeredByCascade: triggeredByOf(runMessage) !== null,
    },
  };
}

function schemaFailure(payload: unknown, errors: readonly ErrorObject[]): TerraformNotificationParse {
  const error = pickError(errors);
  if (!error) return { ok: false, field: 'payload', reason: 'payload does not match the notification schema' };
  if (error.keyword === 'required') {
    const field = joinField(error.instancePath, String((error.params as { missingProperty?: unknown }).missingProperty));
    return { ok: false, field, reason: `${field} is required` };
  }
  const field = joinField(error.instancePath);
  const message =
    error.keyword === 'const' || (error.keyword === 'anyOf' && field === 'payload_version')
      ? 'must be 1 (run notification) or 2 (workspace notification)'
      : (error.message ?? 'is invalid');
  return { ok: false, field, reason: `${field} ${message}, got ${describeValue(valueAt(payload, error.instancePath))}` };
}

/** Nullable fields fail every anyOf branch and if/then adds a summary: the useful error is the specific one. */
function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const isNullBranch = (e: ErrorObject) => e.keyword === 'type' && e.params.type === 'null';
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if' && !isNullBranch(e));
  if (specific.length === 0) return errors.find((e) => e.keyword !== 'if') ?? errors[0];
  return specific.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
}

/** JSON pointer `/notifications/0/trigger` → `notifications.0.trigger`; the root is called `payload`. */
function joinField(pointer: string, child?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? 'payload' : parts.join('.');
}

const MAX_VALUE_CHARS = 60;

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}
