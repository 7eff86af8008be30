import type { Logger } from '../log/logger';
import { describeError } from '../log/describe-error';
import { stopWithin } from './graceful-stop';
import type { ShutdownSignal } from './shutdown-signal';

/** How the service ended: after a signal, or because a component failed; `clean` when everything stopped in time. */
export type ServiceEnd = { signal: NodeJS.Signals; clean: boolean } | { failure: unknown; clean: boolean };

/**
 * The life of a long-running command once it has started: wait for SIGTERM/SIGINT, or for a component that stops by
 * itself (`failed`, e.g. the worker), then stop everything within the grace period.
 */
export async function runUntilSignal(options: {
  shutdown: ShutdownSignal;
  logger: Logger;
  graceMs: number;
  /** Settles if a component stops without being asked: either way, that ends the process. */
  failed?: Promise<unknown>;
  stop: () => Promise<void>;
}): Promise<ServiceEnd> {
  const { logger, graceMs } = options;
  const ending = await Promise.race([
    options.shutdown.received.then((signal) => ({ signal, error: undefined })),
    (options.failed ?? new Promise<never>(() => undefined)).then(
      () => ({ signal: undefined, error: new Error('worker stopped unexpectedly') }),
      (error: unknown) => ({ signal: undefined, error }),
    ),
  ]);
  if (ending.signal) logger.info('shutting down', { signal: ending.signal, graceMs });
  else logger.error('worker failed; shutting down', { error: describeError(ending.error) });
  const clean = await stopWithin(graceMs, logger, options.stop);
  if (clean) logger.info('stopped');
  return ending.signal ? { signal: ending.signal, clean } : { failure: ending.error, clean };
}
