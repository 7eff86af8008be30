import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import type { EmailConfig } from '../config/types';
import { PROGRAM_NAME, VERSION } from '../cli/version';
import { deliveryId } from './payload';
import type { NotifyInput } from './types';

/** Stacks listed in an email body; the rest are counted. */
const EMAIL_STACK_LINES = 200;
/** Mail clients cut long subjects anyway; the body has the whole summary. */
const SUBJECT_LIMIT = 180;

export interface EmailMessage {
  subject: string;
  text: string;
  headers: Record<string, string>;
  /** Stable per delivery: a retried send carries the same Message-ID, so mail systems can drop the copy. */
  messageId: string;
}

/** The plain-text email for one notification: the summary as subject, then the cascade and every stack. */
export function buildEmail(input: NotifyInput): EmailMessage {
  const stacks = [...input.stacks].sort((a, b) => weight(a.state) - weight(b.state) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines = stacks
    .slice(0, EMAIL_STACK_LINES)
    .map((s) => `  ${s.id}: ${s.state}${s.reason ? ` (${s.reason})` : ''}${s.runId ? `, run ${s.runId}` : ''}`);
  if (stacks.length > EMAIL_STACK_LINES) lines.push(`  … and ${stacks.length - EMAIL_STACK_LINES} more`);
  const id = deliveryId(input);
  const text = [
    input.summary,
    '',
    `event:   ${input.event}`,
    `cascade: ${input.cascadeId}`,
    `root:    ${input.root}${input.rootRunId ? ` (run ${input.rootRunId})` : ''}`,
    `at:      ${input.at}`,
    '',
    ...(lines.length > 0 ? ['stacks:', ...lines, ''] : []),
    `spacelift-cascade status ${input.cascadeId}`,
    '',
  ].join('\n');
  const subject = input.summary.length <= SUBJECT_LIMIT ? input.summary : `${input.summary.slice(0, SUBJECT_LIMIT - 1)}…`;
  return {
    subject,
    text,
    headers: { 'X-Spacelift-Cascade-Event': input.event, 'X-Spacelift-Cascade-Delivery': id },
    messageId: `<${createHash('sha256').update(id).digest('hex').slice(0, 32)}@${PROGRAM_NAME}>`,
  };
}

function weight(state: string): number {
  const order = ['failed', 'waiting_for_approval', 'skipped', 'cancelled', 'running', 'finished'];
  const i = order.indexOf(state);
  return i === -1 ? order.length : i;
}

/** Why an email was not sent; never quotes the SMTP URL, the user or the password. */
export class EmailFailure extends Error {
  override readonly name = 'EmailFailure';
  constructor(
    message: string,
    /** Connection trouble and 4xx answers may pass; a rejected login, TLS refused or a 5xx answer will not. */
    readonly retryable: boolean,
    /** The SMTP reply code, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface EmailSender {
  /** Sends the message; resolves with the server's reply code, or rejects with an EmailFailure. */
  send(input: NotifyInput): Promise<number>;
}

export interface EmailSenderOptions {
  timeoutMs: number;
  /** Extra TLS options (a private CA in tests); production trusts the system roots and NODE_EXTRA_CA_CERTS. */
  tls?: ConnectionOptions;
}

/** SMTP through nodemailer: one connection per message, STARTTLS required unless the URL says optional. */
export function createEmailSender(config: EmailConfig, options: EmailSenderOptions): EmailSender {
  const transport: Transporter = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.starttls === 'required',
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    tls: { servername: config.host, ...options.tls },
  });
  const secrets = [config.smtpUrl, config.password, config.user].filter((s): s is string => typeof s === 'string' && s.length >= 3);
  return {
    async send(input) {
      const message = buildEmail(input);
      try {
        const info = (await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: message.subject,
          text: message.text,
          headers: { ...message.headers, 'User-Agent': `${PROGRAM_NAME}/${VERSION}` },
          messageId: message.messageId,
        })) as { response?: string };
        return Number.parseInt(info.response ?? '250', 10) || 250;
      } catch (err) {
        throw describeSmtpFailure(err, secrets, options.timeoutMs);
      }
    },
  };
}

/** nodemailer's error code and the server's answer (or the socket's error), with every secret taken out. */
function describeSmtpFailure(err: unknown, secrets: readonly string[], timeoutMs: number): EmailFailure {
  const { code, responseCode, response } = (err ?? {}) as { code?: string; responseCode?: number; response?: string };
  const detail = typeof response === 'string' ? response : err instanceof Error ? err.message : '';
  const excerpt = detail.replace(/\s+/g, ' ').trim().slice(0, 200);
  let message = code === 'ETIMEDOUT' ? `no answer within ${timeoutMs} ms` : (code ?? 'send failed');
  if (responseCode) message += ` ${responseCode}`;
  if (excerpt && code !== 'ETIMEDOUT') message += ` (${excerpt})`;
  if (code === 'ETLS') message += ': the server does not offer STARTTLS (add ?starttls=optional to NOTIFY_SMTP_URL to send without it)';
  for (const secret of secrets) message = message.split(secret).join('[redacted]');
  const permanent = code === 'EAUTH' || code === 'ETLS' || (responseCode !== undefined && responseCode >= 500);
  return new EmailFailure(message, !permanent, responseCode || undefined);
}
