import { createLogger } from '../log/logger';
import { extractSeaAssets } from './extract-assets';

/**
 * The single binary's first statement (scripts/build-binary.mjs wraps the CLI entry with it): extract the
 * runtime files before any SDK module is loaded, so that a cache directory we cannot write is reported as one
 * log line and exit status 1 rather than as a stack trace from inside core-bridge's import. No-op under node.
 */
export function prepareSeaRuntime(): void {
  try {
    extractSeaAssets();
  } catch (err) {
    createLogger().error((err as Error).message);
    process.exit(1);
  }
}
