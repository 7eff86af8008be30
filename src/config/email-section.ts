import { ConfigError } from './errors';
import type { RawValue } from './read-secret';
import type { Reader } from './reader';
import type { EmailConfig } from './types';

const DEFAULT_PORTS = { smtp: 587, smtps: 465 } as const;
/** `name@domain`, or `Display Name <name@domain>`: enough to catch a typo, not a full RFC 5322 parser. */
const ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/;
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;

/**
 * Email notifications: NOTIFY_SMTP_URL (a secret: it may carry a password, so its errors never quote it), the
 * sender and the recipients. All three or none.
 */
export function loadEmailConfig(read: Reader): EmailConfig | undefined {
  const url = read.get('NOTIFY_SMTP_URL');
  const from = read.get('NOTIFY_EMAIL_FROM');
  const to = read.get('NOTIFY_EMAIL_TO');
  if (!url && !from && !to) return undefined;
  if (!url) throw new ConfigError(`${(from ?? to)?.label} is set but NOTIFY_SMTP_URL is not`, 'NOTIFY_SMTP_URL');
  if (!from) throw new ConfigError('NOTIFY_SMTP_URL needs NOTIFY_EMAIL_FROM, the sender of notification emails', 'NOTIFY_EMAIL_FROM');
  if (!to) throw new ConfigError('NOTIFY_SMTP_URL needs NOTIFY_EMAIL_TO, the recipients of notification emails', 'NOTIFY_EMAIL_TO');
  return { ...parseSmtpUrl(url), from: parseAddress(from, from.value.trim()), to: parseRecipients(to) };
}

function parseSmtpUrl(raw: RawValue): Omit<EmailConfig, 'from' | 'to'> {
  const value = raw.value.trim();
  const invalid = (rule: string) => new ConfigError(`${raw.label} ${rule}`, raw.label);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('must be a URL like smtp://user:password@host:587 or smtps://host:465');
  }
  const scheme = url.protocol.replace(/:$/, '');
  // The scheme is not quoted: a value like user:password@host parses with the user as its scheme.
  if (scheme !== 'smtp' && scheme !== 'smtps') throw invalid('must start with smtp:// or smtps://');
  if (!url.hostname) throw invalid('has no host');
  const starttls = url.searchParams.get('starttls') ?? 'required';
  if (starttls !== 'required' && starttls !== 'optional') throw invalid(`?starttls must be required or optional, got '${starttls}'`);
  const unknown = [...url.searchParams.keys()].filter((key) => key !== 'starttls');
  if (unknown.length > 0) throw invalid(`has unknown parameter ${unknown[0]} (known: starttls)`);
  if (url.password && !url.username) throw invalid('has a password but no user');
  return {
    smtpUrl: value,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : DEFAULT_PORTS[scheme],
    secure: scheme === 'smtps',
    starttls,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

function parseRecipients(raw: RawValue): string[] {
  const items = raw.value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError(`${raw.label} must list at least one address, got '${raw.value}'`, raw.label);
  return [...new Set(items.map((item) => parseAddress(raw, item)))];
}

function parseAddress(raw: RawValue, item: string): string {
  const address = NAMED_ADDRESS.exec(item)?.[1]?.trim() ?? item;
  if (!ADDRESS.test(address))
    throw new ConfigError(`${raw.label} must hold email addresses (name@example.com or Name <name@example.com>), got '${item}'`, raw.label);
  return item;
}
