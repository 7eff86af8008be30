import type { SpaceliftConfig } from '../config/types';
import type { Logger } from '../log/logger';
import { SpaceliftAuthError } from '../spacelift/errors';
import { SpaceliftClient } from '../spacelift/client';
import { SpaceliftCredentialsError } from './errors';

/**
 * Proves the API key works with one cheap read. A rejected key (auth error, or a token Spacelift ignores:
 * viewer null) is a SpaceliftCredentialsError; network and server errors propagate unchanged.
 */
export async function verifySpaceliftCredentials(config: SpaceliftConfig, logger: Logger): Promise<{ viewer: string }> {
  const client = new SpaceliftClient({ ...config, logger: logger.child({ component: 'spacelift' }) });
  try {
    const { viewer } = await client.verifyCredentials();
    if (viewer === null) throw new SpaceliftCredentialsError(config.endpoint, 'the API key was not accepted (viewer is null)');
    return { viewer };
  } catch (err) {
    if (err instanceof SpaceliftAuthError) throw new SpaceliftCredentialsError(config.endpoint, err.message, { cause: err });
    throw err;
  } finally {
    await client.close();
  }
}
