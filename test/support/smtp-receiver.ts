import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A self-signed certificate for localhost / 127.0.0.1, valid until 2126: the receiver's STARTTLS certificate. */
export const SMTP_TEST_CERT = readFileSync(join(__dirname, '..', 'notify', 'tls', 'smtp-cert.pem'));
const SMTP_TEST_KEY = readFileSync(join(__dirname, '..', 'notify', 'tls', 'smtp-key.pem'));

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as sent (headers and body). */
  raw: string;
  /** Whether the session was encrypted (STARTTLS or TLS) when the message came. */
  secure: boolean;
  user?: string;
}

export interface SmtpReceiver {
  port: number;
  received: ReceivedMail[];
  /** Logins tried, with the password given: a test can check what the client sent. */
  logins: { user: string; password: string }[];
  /** Answers the next messages with this SMTP error (code and text), in order. */
  failNext(...answers: { code: number; text: string }[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server in-process (smtp-server, by nodemailer's author): STARTTLS with the test certificate, login
 * checked against `users`, every message kept. `noStartTls` plays a relay that has no TLS.
 */
export async function startSmtpReceiver(
  options: { users?: Record<string, string>; noStartTls?: boolean; secure?: boolean } = {},
): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const logins: SmtpReceiver['logins'] = [];
  const failures: { code: number; text: string }[] = [];
  const waiters = new Set<() => void>();
  const users = options.users;
  const config: SMTPServerOptions = {
    key: SMTP_TEST_KEY,
    cert: SMTP_TEST_CERT,
    secure: options.secure === true,
    authOptional: users === undefined,
    allowInsecureAuth: options.noStartTls === true,
    disabledCommands: [...(users === undefined ? ['AUTH'] : []), ...(options.noStartTls ? ['STARTTLS'] : [])],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', password: auth.password ?? '' });
      if (users && auth.username && users[auth.username] === auth.password) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) return callback(Object.assign(new Error(failure.text), { responseCode: failure.code }));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        for (const wake of waiters) wake();
        return callback(null);
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    logins,
    failNext: (...answers) => void failures.push(...answers),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`${received.length} of ${count} emails within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
