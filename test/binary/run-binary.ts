import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
export const BUILT_BINARY = join(REPO, 'dist', 'spacelift-cascade');

/**
 * A copy of dist/spacelift-cascade alone in an empty directory, run with an environment that has no node:
 * PATH is an empty directory (node lives in /usr/bin on some machines), HOME is a fresh directory (so the asset
 * cache starts empty), and nothing else leaks in from the test process.
 */
export interface Sandbox {
  dir: string;
  binary: string;
  home: string;
  /** Where the binary extracts its assets by default ($HOME/.cache/spacelift-cascade). */
  cacheRoot: string;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  remove(): void;
}

export function createSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'spacelift-cascade-binary-'));
  const binary = join(dir, 'spacelift-cascade');
  const home = join(dir, 'home');
  const emptyPath = join(dir, 'no-bin');
  mkdirSync(home);
  mkdirSync(emptyPath);
  copyFileSync(BUILT_BINARY, binary);
  return {
    dir,
    binary,
    home,
    cacheRoot: join(home, '.cache', 'spacelift-cascade'),
    env: (extra = {}) => ({ PATH: emptyPath, HOME: home, ...extra }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Why the binary cannot be tested, or undefined when dist/spacelift-cascade is there. */
export function missingBinaryReason(): string | undefined {
  try {
    statSync(BUILT_BINARY);
    return undefined;
  } catch {
    return `${BUILT_BINARY} does not exist: run \`npm run build:binary\` before these tests`;
  }
}

/**
 * A warning when a file under src/ is newer than the binary (the test then checks old code). Only a warning:
 * CI always builds first, and a developer may be editing unrelated files.
 */
export function staleBinaryNote(): string | undefined {
  const built = statSync(BUILT_BINARY).mtimeMs;
  const newer = newestFile(join(REPO, 'src'));
  return newer && newer.mtimeMs > built
    ? `warning: ${BUILT_BINARY} is older than ${newer.path}; run \`npm run build:binary\` to test the current code`
    : undefined;
}

function newestFile(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestFile(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningBinary {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<Exit>;
  /** Resolves with the exit, or SIGKILLs the process and rejects after timeoutMs. */
  exitWithin(timeoutMs: number): Promise<Exit>;
}

export function startBinary(sandbox: Sandbox, args: readonly string[], env: NodeJS.ProcessEnv): RunningBinary {
  const child = spawn(sandbox.binary, args, { cwd: sandbox.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const exitWithin = async (timeoutMs: number): Promise<Exit> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`spacelift-cascade ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${stderr.slice(-4000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, output: () => ({ stdout, stderr }), exited, exitWithin };
}

export function runBinary(sandbox: Sandbox, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Exit> {
  return startBinary(sandbox, args, env).exitWithin(timeoutMs);
}

/** Polls GET url until it answers 200; rejects after timeoutMs, or at once if `exited` settles first. */
export async function waitForOk(url: string, timeoutMs: number, running?: RunningBinary): Promise<number> {
  const started = Date.now();
  let exited = false;
  running?.exited.then(() => (exited = true), () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`process exited before ${url} answered 200; stderr:\n${running?.output().stderr.slice(-4000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms; stderr:\n${running?.output().stderr.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { freePort } from '../cli/free-port';

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
