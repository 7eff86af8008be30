import { readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Build directories the asset cache keeps: the running build's and the most recently used other one (the version
 * before an upgrade, which a rollback starts again, or which may still be draining on the same host).
 */
export const KEPT_BUILDS = 2;

/** Only directories named like a build hash (SeaManifest.hash) are ever removed: the cache root may be shared. */
const BUILD_DIRECTORY = /^[0-9a-f]{16}$/;

export interface PruneResult {
  removed: string[];
  failed: Array<{ dir: string; error: string }>;
}

/**
 * Marks <cacheRoot>/<current> as used now (its mtime orders the builds) and removes the directories of all but
 * the KEPT_BUILDS - 1 most recently used other builds. A directory that cannot be removed is reported, never
 * thrown: an old cache must not stop the service from starting.
 */
export function pruneAssetCache(cacheRoot: string, current: string, now: Date = new Date()): PruneResult {
  const result: PruneResult = { removed: [], failed: [] };
  try {
    utimesSync(join(cacheRoot, current), now, now);
    const others = readdirSync(cacheRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && BUILD_DIRECTORY.test(entry.name) && entry.name !== current)
      .map((entry) => ({ dir: join(cacheRoot, entry.name), usedMs: lastUsedMs(join(cacheRoot, entry.name)) }))
      .sort((a, b) => b.usedMs - a.usedMs);
    for (const { dir } of others.slice(KEPT_BUILDS - 1)) {
      try {
        rmSync(dir, { recursive: true, force: true });
        result.removed.push(dir);
      } catch (err) {
        result.failed.push({ dir, error: (err as Error).message });
      }
    }
  } catch (err) {
    result.failed.push({ dir: cacheRoot, error: (err as Error).message });
  }
  return result;
}

/** A directory another process removed meanwhile sorts last, and rmSync({ force }) then has nothing to do. */
function lastUsedMs(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return 0;
  }
}
