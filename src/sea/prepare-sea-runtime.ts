import { basename, dirname } from 'node:path';
import { createLogger } from '../log/logger';
import { extractSeaAssets, type ExtractedAssets } from './extract-assets';
import { pruneAssetCache } from './prune-asset-cache';

/**
 * The single binary's first statement (scripts/build-binary.mjs wraps the CLI entry with it): extract the
 * runtime files before any SDK module is loaded, so that a cache directory we cannot write is reported as one
 * log line and exit status 1 rather than as a stack trace from inside core-bridge's import. Then remove the
 * files of builds older than the previous one (an upgrade leaves one directory per build). No-op under node.
 */
export function prepareSeaRuntime(): void {
  let assets: ExtractedAssets | undefined;
  try {
    assets = extractSeaAssets();
  } catch (err) {
    createLogger().error((err as Error).message);
    process.exit(1);
  }
  if (assets) pruneOlderBuilds(assets.dir);
}

function pruneOlderBuilds(currentDir: string): void {
  const { removed, failed } = pruneAssetCache(dirname(currentDir), basename(currentDir));
  if (removed.length === 0 && failed.length === 0) return;
  const logger = createLogger();
  for (const dir of removed) logger.info('removed the runtime files of an older build', { dir });
  for (const { dir, error } of failed) logger.warn('could not remove the runtime files of an older build', { dir, error });
}
