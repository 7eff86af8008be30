import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
const MAIN = join(REPO, 'src', 'cli', 'main.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Env for a child CLI: only what we pass plus PATH/HOME, so the developer's own TEMPORAL_* never leaks in. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TEMPORAL_CLI_PATH', 'SPACELIFT_CASCADE_CACHE'];
  const base: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) base[key] = process.env[key];
  return { ...base, ...extra };
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first stderr/stdout line matching `pattern`; rejects after timeoutMs or on exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  exited: Promise<CliResult>;
}

/** Runs src/cli/main.ts through tsx in a child process. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    listeners.forEach((l) => l());
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    listeners.forEach((l) => l());
  });
  let done = false;
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stdout, stderr });
      listeners.forEach((l) => l());
    });
  });

  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const line = `${stdout}\n${stderr}`.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) finish(() => resolve(line));
          else if (done) finish(() => reject(new Error(`process exited before ${pattern}:\n${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stderr}`))), timeoutMs);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
  };
}

/** Runs the CLI to completion; SIGKILLs it after timeoutMs so a hang fails the test instead of stalling it. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliResult> {
  const cli = spawnCli(args, env);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  try {
    return await cli.exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Spawns a long-running command (serve, webhook, worker), kills it when the test ends if it still runs, and
 * resolves with it and its `ready` log line once it is up.
 */
export async function startCli(
  t: tap.Test,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  readyWithinMs = 90_000,
): Promise<RunningCli & { ready: string }> {
  const cli = spawnCli(args, env);
  t.teardown(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  return { ...cli, ready: await cli.waitFor(/"msg":"ready"/, readyWithinMs) };
}
