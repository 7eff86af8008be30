import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How @temporalio/testing should obtain a server binary (mirrors its EphemeralServerExecutable). */
export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

const cacheDir = (): string => process.env.SPACELIFT_CASCADE_CACHE ?? join(homedir(), '.cache', 'spacelift-cascade');

/**
 * The Temporal CLI dev server: $TEMPORAL_CLI_PATH, else the binary scripts/provision-dev-server.sh built,
 * else the SDK's own download (works on machines with internet).
 */
export function devServerExecutable(): ServerExecutable {
  return locate(process.env.TEMPORAL_CLI_PATH, join(cacheDir(), 'temporal-cli-v1.5.1', 'temporal'));
}

/**
 * The Java time-skipping test server: $TEMPORAL_TEST_SERVER_PATH, else the wrapper
 * scripts/provision-test-server.sh wrote, else the SDK's own download.
 */
export function testServerExecutable(): ServerExecutable {
  return locate(process.env.TEMPORAL_TEST_SERVER_PATH, join(cacheDir(), 'temporal-test-server-1.38.0', 'temporal-test-server'));
}

function locate(fromEnv: string | undefined, provisioned: string): ServerExecutable {
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`server executable ${fromEnv} does not exist`);
    return { type: 'existing-path', path: fromEnv };
  }
  return existsSync(provisioned) ? { type: 'existing-path', path: provisioned } : { type: 'cached-download' };
}
