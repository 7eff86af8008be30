import { loadEmailConfig } from './email-section';
import { ConfigError } from './errors';
import type { RawValue } from './read-secret';
import type { Reader } from './reader';
import { NOTIFY_EVENTS, type NotifyConfig, type NotifyEvent } from './types';

/**
 * Cascade notifications: a Slack incoming webhook, a signed JSON webhook and/or email, and which events go out. The
 * Slack URL, the signing secret and the SMTP URL are secrets, so their errors never quote them.
 */
export function loadNotifyConfig(read: Reader): NotifyConfig {
  const slack = read.get('NOTIFY_SLACK_WEBHOOK_URL');
  const webhook = read.get('NOTIFY_WEBHOOK_URL');
  const secret = read.get('NOTIFY_WEBHOOK_SECRET');
  const events = parseEvents(read.orDefault('NOTIFY_EVENTS'));
  const email = loadEmailConfig(read);

  const slackWebhookUrl = slack ? parseHttpUrl(slack, true) : undefined;
  const webhookUrl = webhook ? parseHttpUrl(webhook, false) : undefined;
  const webhookSecret = secret?.value.trim();
  if (secret && !webhookSecret) throw new ConfigError('NOTIFY_WEBHOOK_SECRET is blank', 'NOTIFY_WEBHOOK_SECRET');
  if (webhookUrl && !webhookSecret) {
    throw new ConfigError('NOTIFY_WEBHOOK_URL needs NOTIFY_WEBHOOK_SECRET to sign its requests', 'NOTIFY_WEBHOOK_SECRET');
  }
  if (webhookSecret && !webhookUrl)
    throw new ConfigError('NOTIFY_WEBHOOK_SECRET is set but NOTIFY_WEBHOOK_URL is not', 'NOTIFY_WEBHOOK_URL');

  return {
    ...(slackWebhookUrl ? { slackWebhookUrl } : {}),
    ...(webhookUrl && webhookSecret ? { webhookUrl, webhookSecret } : {}),
    ...(email ? { email } : {}),
    events,
  };
}

/** `completed, approval_needed` → ['completed', 'approval_needed'], in the order given, without repeats. */
function parseEvents(raw: RawValue): NotifyEvent[] {
  const items = raw.value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError(`${raw.label} must list at least one event, got '${raw.value}'`, raw.label);
  for (const item of items) {
    if (!(NOTIFY_EVENTS as readonly string[]).includes(item)) {
      throw new ConfigError(`${raw.label} contains unknown event '${item}' (known: ${NOTIFY_EVENTS.join(', ')})`, raw.label);
    }
  }
  return [...new Set(items)] as NotifyEvent[];
}

/** An http(s) URL without user:password (which would put a credential where it gets logged). */
function parseHttpUrl(raw: RawValue, secret: boolean): string {
  const value = raw.value.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    const requirement = `${raw.label} must be an http(s) URL without user:password`;
    throw new ConfigError(secret ? requirement : `${requirement}, got '${raw.value}'`, raw.label);
  }
  return value;
}
