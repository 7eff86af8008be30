import { ConfigError } from './errors';
import { parseInteger, parseName, parseUpperList } from './parse-values';
import type { Reader } from './reader';
import type { WebhookConfig } from './types';

/**
 * Every run state Spacelift documents (spacelift-api.md §3.3). A typo such as FINSHED would otherwise
 * silently stop every cascade, so unknown states are rejected at start-up. Run types are open-ended
 * (Spacelift adds them), so those are only checked for shape.
 */
export const KNOWN_RUN_STATES: readonly string[] = [
  'QUEUED',
  'READY',
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'UNCONFIRMED',
  'CONFIRMED',
  'PREPARING_APPLY',
  'APPLYING',
  'PERFORMING',
  'DESTROYING',
  'REPLAN_REQUESTED',
  'PREPARING_REPLAN',
  'PENDING_REVIEW',
  'PENDING',
  'FINISHED',
  'FAILED',
  'DISCARDED',
  'STOPPED',
  'CANCELED',
  'SKIPPED',
];

const MAX_BODY_LIMIT = 100 * 1024 * 1024;

export function loadWebhookConfig(read: Reader, insecureSkipSignature: boolean): WebhookConfig {
  return {
    host: parseName(read.orDefault('WEBHOOK_HOST')),
    port: parseInteger(read.orDefault('WEBHOOK_PORT'), 1, 65535),
    secrets: readSecretList(read, 'SPACELIFT_WEBHOOK_SECRET'),
    terraformSecrets: readSecretList(read, 'TFC_WEBHOOK_SECRET'),
    insecureSkipSignature,
    maxBodyBytes: parseInteger(read.orDefault('WEBHOOK_MAX_BODY_BYTES'), 1, MAX_BODY_LIMIT),
    triggerStates: parseUpperList(read.orDefault('CASCADE_TRIGGER_STATES'), 'run state', KNOWN_RUN_STATES),
    runTypes: parseUpperList(read.orDefault('CASCADE_RUN_TYPES'), 'run type'),
  };
}

/** A comma-separated list of secrets (several during rotation); never quoted in errors. */
function readSecretList(read: Reader, name: 'SPACELIFT_WEBHOOK_SECRET' | 'TFC_WEBHOOK_SECRET'): string[] {
  const raw = read.get(name);
  const secrets = raw
    ? raw.value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];
  if (raw && secrets.length === 0) throw new ConfigError(`${name} contains no secret`, name);
  return secrets;
}
