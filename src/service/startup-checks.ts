import type { Config, SpaceliftConfig } from '../config/types';
import type { Logger } from '../log/logger';
import { describeError } from '../log/describe-error';
import { SpaceliftCredentialsError } from './errors';
import { verifySpaceliftCredentials } from './verify-spacelift';

export function warnIfUnsigned(config: Config, logger: Logger): void {
  if (config.webhook.insecureSkipSignature) {
    logger.warn('webhook signatures are NOT verified (--insecure-skip-signature); anyone who can reach the port can start chains');
  }
}

/**
 * A split listener in graph mode without the worker's key ID cannot tell a run the cascade triggered from any other:
 * it asks Temporal about every run (two calls per webhook), and if such a run's webhook beat the start of its
 * monitor, it would start a second cascade.
 */
export function warnIfCascadeRunsUnrecognisable(config: Config, logger: Logger): void {
  if (config.cascade.mode === 'graph' && !config.cascadeKeyId) {
    logger.warn(
      "CASCADE_MODE is graph but the listener has no SPACELIFT_API_KEY_ID: give it the worker's key ID (not a secret; the endpoint and secret are not needed), " +
        'so a run a cascade triggered can never start another cascade and each webhook costs one Temporal call',
    );
  }
}

/**
 * A rejected API key will never start working by itself: exit 4 at once instead of failing every activity.
 * Spacelift being unreachable right now is different: the activities retry, so only warn.
 */
export async function checkSpaceliftAtStart(config: { spacelift: SpaceliftConfig }, logger: Logger): Promise<void> {
  try {
    const { viewer } = await verifySpaceliftCredentials(config.spacelift, logger);
    logger.info('spacelift credentials OK', { endpoint: config.spacelift.endpoint, viewer });
  } catch (err) {
    if (err instanceof SpaceliftCredentialsError) throw err;
    logger.warn('could not verify Spacelift credentials at start; continuing', {
      endpoint: config.spacelift.endpoint,
      error: describeError(err),
    });
  }
}
