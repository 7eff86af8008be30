import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The single binary (a Node SEA) carries the files the SDK must read from disk as SEA assets: the core-bridge
 * native addon (dlopen needs a real file), the workflow worker-thread script (new Worker(path)), source-map's
 * mappings.wasm and the pre-built workflow bundle. On start they are written once to a content-addressed cache
 * directory and reused by every later start of the same build. scripts/build-binary.mjs writes the manifest.
 */

/** Asset key of the manifest that scripts/build-binary.mjs embeds next to the files. */
export const MANIFEST_ASSET = 'sea-manifest.json';

export interface SeaManifest {
  /** First 16 hex digits of a SHA-256 over every file's path and digest: the cache directory's name. */
  hash: string;
  files: Array<{ asset: string; path: string; size: number }>;
}

export interface ExtractedAssets {
  dir: string;
  workflowBundlePath: string;
  /** The same with the OpenTelemetry workflow interceptors, for a worker with tracing on. */
  tracedWorkflowBundlePath: string;
  /** False when a previous start had already extracted this build's files. */
  extracted: boolean;
}

export class AssetExtractionError extends Error {
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(
      `cannot extract the runtime files to ${dir}: ${(cause as Error).message ?? String(cause)}; ` +
        'set SPACELIFT_CASCADE_CACHE_DIR to a writable directory on a filesystem that allows executable mappings',
      { cause },
    );
    this.name = 'AssetExtractionError';
  }
}

/** True when running as the single binary rather than under node. */
export function isSeaBinary(): boolean {
  try {
    return (require('node:sea') as typeof import('node:sea')).isSea();
  } catch {
    return false; // node:sea does not exist before Node 20.12: certainly not a SEA
  }
}

/**
 * Where extracted files live: $SPACELIFT_CASCADE_CACHE_DIR, else systemd's $CACHE_DIRECTORY (CacheDirectory=),
 * else $XDG_CACHE_HOME or ~/.cache, plus /spacelift-cascade. The build hash is appended by the caller.
 */
export function assetCacheRoot(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string {
  if (env.SPACELIFT_CASCADE_CACHE_DIR) return env.SPACELIFT_CASCADE_CACHE_DIR;
  // systemd sets a colon-separated list when the unit names several cache directories; ours is the first.
  const systemd = env.CACHE_DIRECTORY?.split(':')[0];
  if (systemd) return systemd;
  return join(env.XDG_CACHE_HOME || join(home(), '.cache'), 'spacelift-cascade');
}

/** The part of `node:sea` extraction uses; tests pass an in-memory stand-in. */
export interface AssetSource {
  getAsset(key: string, encoding: 'utf8'): string;
  getRawAsset(key: string): ArrayBuffer | string;
}

let memo: ExtractedAssets | undefined;

/**
 * Extracts the binary's runtime files (once per process) and returns where they are; undefined under plain node,
 * where the SDK finds its files in node_modules. Synchronous on purpose: it runs before any SDK module is
 * loaded (prepare-sea-runtime.ts), and again, memoized, from inside core-bridge's import (runtime-dir.ts).
 */
export function extractSeaAssets(): ExtractedAssets | undefined {
  if (memo || !isSeaBinary()) return memo;
  memo = extractAssets(require('node:sea') as AssetSource, assetCacheRoot());
  return memo;
}

/** Writes every file the manifest lists to <cacheRoot>/<hash>/ unless it is already there with the right size. */
export function extractAssets(source: AssetSource, cacheRoot: string): ExtractedAssets {
  const manifest = JSON.parse(source.getAsset(MANIFEST_ASSET, 'utf8')) as SeaManifest;
  const dir = join(cacheRoot, manifest.hash);
  let extracted = false;
  try {
    for (const file of manifest.files) {
      const target = join(dir, file.path);
      if (sizeOf(target) === file.size) continue;
      const bytes = source.getRawAsset(file.asset);
      writeAtomically(target, typeof bytes === 'string' ? Buffer.from(bytes) : new Uint8Array(bytes));
      extracted = true;
    }
  } catch (err) {
    throw new AssetExtractionError(dir, err);
  }
  return {
    dir,
    workflowBundlePath: join(dir, 'workflow-bundle.js'),
    tracedWorkflowBundlePath: join(dir, 'workflow-bundle-traced.js'),
    extracted,
  };
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/**
 * A file appears under its final name complete or not at all, so a crash mid-write or two processes starting at
 * once never leave a truncated addon behind: the loser's rename just replaces identical bytes.
 */
function writeAtomically(target: string, bytes: Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, bytes, { mode: 0o400 });
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw err;
  }
}
