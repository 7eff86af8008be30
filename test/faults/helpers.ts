/** Shared by the fault tests: signed deliveries, a `serve` child process, and bounded waiting. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeSpacelift } from '../support/fake-spacelift';
import { signPayload } from '../../src/webhook/verify-signature';
import { freePort } from '../cli/free-port';
import { cliEnv, REPO, spawnCli, type RunningCli } from '../cli/run-cli';
import { within } from '../support/within';
export { within };

export const SECRET = 'faults-webhook-secret';

const TEMPLATE = JSON.parse(readFileSync(join(REPO, 'fixtures', 'webhooks', 'run-finished-tracked.json'), 'utf8')) as Record<
  string,
  unknown
> & {
  run: Record<string, unknown>;
  stack: Record<string, unknown>;
};

/** A Spacelift run-state webhook body for `stackId`'s run `runId` (from the fixture, labels and delta kept). */
export function webhookBody(
  stackId: string,
  runId: string,
  patch: { state?: string; stateVersion?: number; triggeredBy?: string } = {},
): Buffer {
  const payload = {
    ...TEMPLATE,
    state: patch.state ?? 'FINISHED',
    stateVersion: patch.stateVersion ?? 7,
    run: { ...TEMPLATE.run, id: runId, triggeredBy: patch.triggeredBy ?? 'jdoe' },
    stack: { ...TEMPLATE.stack, id: stackId, name: stackId },
  };
  return Buffer.from(JSON.stringify(payload));
}

export interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** One signed delivery; a transport failure (nothing listening, reset) is status 0 so callers can assert on it. */
export async function deliver(port: number, body: Buffer, timeoutMs = 20_000): Promise<Answer> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(body, SECRET) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: res.status, json };
  } catch (err) {
    return { status: 0, json: { error: String(err) } };
  }
}

export async function getStatus(port: number, path: string): Promise<number> {
  return fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) }).then(
    (r) => r.status,
    () => 0,
  );
}

export interface ServeProcess {
  cli: RunningCli;
  port: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * `serve` (or another long-running command) from source through tsx, like test/cli/serve.test.ts, until it logs
 * "ready" (or `readyLine`). `spaceliftUrl` points it somewhere else than the fake itself (a proxy in front of it).
 */
export async function startCli(
  command: 'serve' | 'worker' | 'webhook',
  options: {
    temporal: string;
    taskQueue: string;
    fake: FakeSpacelift;
    spaceliftUrl?: string;
    env?: Record<string, string>;
    readyLine?: RegExp;
  },
): Promise<ServeProcess> {
  const port = await freePort();
  const listenerFlags = command === 'worker' ? [] : ['--webhook-host', '127.0.0.1', '--webhook-port', String(port)];
  const cli = spawnCli(
    [command, ...listenerFlags],
    cliEnv({
      TEMPORAL_URL: options.temporal,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      SPACELIFT_API_ENDPOINT: options.spaceliftUrl ?? options.fake.url,
      SPACELIFT_API_KEY_ID: options.fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: options.fake.apiKeySecret,
      SPACELIFT_WEBHOOK_SECRET: SECRET,
      SHUTDOWN_GRACE_MS: '3000',
      ...options.env,
    }),
  );
  await cli.waitFor(options.readyLine ?? /"msg":"ready"/, 90_000);
  return {
    cli,
    port,
    stop: async () => {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) return;
      const timer = setTimeout(() => cli.child.kill('SIGKILL'), 10_000);
      cli.child.kill('SIGTERM');
      await cli.exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` every `everyMs` until it returns true; fails after `timeoutMs` naming `what`. */
export async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
