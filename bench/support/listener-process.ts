/** The listener under load in bench/ingest.ts: `node dist/cli/main.js serve|webhook` as a child, and its counters. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/cli/free-port';
import type { FakeSpacelift } from '../../test/support/fake-spacelift';
import { REPO, sleep } from './report';

const ENTRY = join(REPO, 'dist', 'cli', 'main.js');

export interface Listener {
  command: 'serve' | 'webhook';
  port: number;
  child: ChildProcess;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Starts the command on a free port with only the variables it needs (`webhook`: no Spacelift credentials, only the key ID), and waits until /readyz answers 200. */
export async function startListenerProcess(
  command: 'serve' | 'webhook',
  options: { temporal: string; fake: FakeSpacelift; secret: string; logDir: string },
): Promise<Listener> {
  const { temporal, fake, secret, logDir } = options;
  const port = await freePort();
  const taskQueue = `bench-ingest-${command}-${process.pid}`;
  const log = openSync(join(logDir, `${command}.log`), 'a');
  const child = spawn(process.execPath, [ENTRY, command, '--webhook-host', '127.0.0.1', '--webhook-port', String(port)], {
    cwd: REPO,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_URL: temporal,
      TEMPORAL_TASK_QUEUE: taskQueue,
      // The listener alone needs only the worker's key ID, to recognise the runs cascades triggered.
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      ...(command === 'serve' ? { SPACELIFT_API_ENDPOINT: fake.url, SPACELIFT_API_KEY_SECRET: fake.apiKeySecret } : {}),
      SPACELIFT_WEBHOOK_SECRET: secret,
      SHUTDOWN_GRACE_MS: '5000',
    },
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}; see ${join(logDir, `${command}.log`)}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${command} not ready within 90 s`);
    await sleep(200);
  }
  return {
    command,
    port,
    child,
    taskQueue,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** spacelift_cascade_webhooks_total by outcome. */
export async function outcomes(port: number): Promise<Map<string, number>> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^spacelift_cascade_webhooks_total\{outcome="([^"]+)"\} (\d+)$/gm))
    counts.set(match[1], Number(match[2]));
  return counts;
}

/** The counters once requests still in flight when autocannon stopped have been answered. */
export async function settledOutcomes(port: number): Promise<Map<string, number>> {
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
  let last = await outcomes(port);
  for (let i = 0; i < 50; i++) {
    await sleep(300);
    const next = await outcomes(port);
    if (total(next) === total(last)) return next;
    last = next;
  }
  return last;
}

export function describeDelta(before: Map<string, number>, after: Map<string, number>): string {
  const parts: string[] = [];
  for (const [outcome, count] of after) {
    const delta = count - (before.get(outcome) ?? 0);
    if (delta > 0) parts.push(`${outcome} ${delta}`);
  }
  return parts.join(', ') || 'none';
}
