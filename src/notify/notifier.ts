import type { ConnectionOptions } from 'node:tls';
import { request } from 'undici';
import type { NotifyConfig } from '../config/types';
import { PROGRAM_NAME, VERSION } from '../cli/version';
import { createEmailSender, type EmailFailure, type EmailSender } from './email';
import { buildSlackMessage, buildWebhookBody, webhookHeaders } from './payload';
import type { NotifyInput, NotifyResult } from './types';

/** One notification request, connection and answer together. */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Enough of an error answer to tell why (Slack answers `no_service`, `invalid_token`…). */
const ANSWER_EXCERPT = 200;

/**
 * A notification a receiver did not accept. The message names the channel and what went wrong, never the URL:
 * a Slack incoming-webhook URL is a credential, and this message ends up in workflow history and logs.
 */
export class NotifyDeliveryError extends Error {
  constructor(
    readonly channel: NotifyInput['channel'],
    message: string,
    /** 5xx, 408, 429, timeouts and network errors may pass; other answers will not change by retrying. */
    readonly retryable: boolean,
    /** The HTTP status, or for email the SMTP reply code. */
    readonly status?: number,
  ) {
    super(`${channel} notification not delivered: ${message}`);
    this.name = 'NotifyDeliveryError';
  }
}

export interface Notifier {
  /** Sends one event to one channel, or says why it was not sent; throws NotifyDeliveryError when refused. */
  send(input: NotifyInput): Promise<NotifyResult>;
}

export interface NotifierOptions {
  timeoutMs?: number;
  /** Extra TLS options for the SMTP connection (a private CA in tests). */
  smtpTls?: ConnectionOptions;
}

/** Decides per call from the configuration: is the channel configured, is the event selected. */
export function createNotifier(config: NotifyConfig, options: NotifierOptions = {}): Notifier {
  const timeoutMs = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  const email: EmailSender | undefined = config.email
    ? createEmailSender(config.email, { timeoutMs, ...(options.smtpTls ? { tls: options.smtpTls } : {}) })
    : undefined;
  return {
    async send(input) {
      const { channel } = input;
      if (!config.events.includes(input.event)) return { channel, sent: false, reason: 'event not selected' };
      if (channel === 'slack') {
        if (!config.slackWebhookUrl) return { channel, sent: false, reason: 'channel not configured' };
        const body = JSON.stringify(buildSlackMessage(input));
        const status = await post(channel, config.slackWebhookUrl, body, { 'content-type': 'application/json' }, timeoutMs);
        return { channel, sent: true, status };
      }
      if (channel === 'email') {
        if (!email) return { channel, sent: false, reason: 'channel not configured' };
        const status = await email.send(input).catch((failure: EmailFailure) => {
          throw new NotifyDeliveryError(channel, failure.message, failure.retryable, failure.status);
        });
        return { channel, sent: true, status };
      }
      if (!config.webhookUrl || !config.webhookSecret) return { channel, sent: false, reason: 'channel not configured' };
      const body = buildWebhookBody(input);
      const status = await post(channel, config.webhookUrl, body, webhookHeaders(body, config.webhookSecret, input), timeoutMs);
      return { channel, sent: true, status };
    },
  };
}

async function post(
  channel: NotifyInput['channel'],
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> {
  let answer;
  try {
    answer = await request(url, {
      method: 'POST',
      body,
      headers: { ...headers, 'user-agent': `${PROGRAM_NAME}/${VERSION}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new NotifyDeliveryError(channel, scrub(describeFailure(err, timeoutMs), url), true);
  }
  const { statusCode } = answer;
  if (statusCode >= 200 && statusCode < 300) {
    await answer.body.dump();
    return statusCode;
  }
  const excerpt = (await answer.body.text().catch(() => '')).slice(0, ANSWER_EXCERPT).replace(/\s+/g, ' ').trim();
  const retryable = statusCode >= 500 || statusCode === 408 || statusCode === 429;
  throw new NotifyDeliveryError(channel, scrub(`HTTP ${statusCode}${excerpt ? ` (${excerpt})` : ''}`, url), retryable, statusCode);
}

/** The error class or code only: undici's messages may quote the URL. */
function describeFailure(err: unknown, timeoutMs: number): string {
  const { name, code } = (err ?? {}) as { name?: string; code?: string };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return code ?? name ?? 'request failed';
}

function scrub(text: string, url: string): string {
  return text.split(url).join('[notify url]');
}
