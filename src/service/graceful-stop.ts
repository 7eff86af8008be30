import type { Logger } from '../log/logger';
import { describeError } from '../log/describe-error';

/** Margin over SHUTDOWN_GRACE_MS for closing connections once the components have stopped. */
const CLOSE_MARGIN_MS = 1_000;

/**
 * Runs the graceful stop, but never lets it outlive the grace period: systemd's TimeoutStopSec would
 * SIGKILL us anyway, and an exit we choose is better than one we suffer. Resolves true on a clean stop.
 */
export async function stopWithin(graceMs: number, logger: Logger, stop: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    // Deliberately not unref'd: even if stop() hangs with nothing else alive, this still decides the exit code.
    timer = setTimeout(() => resolve(false), graceMs + CLOSE_MARGIN_MS);
  });
  const stopped = stop().then(
    () => true,
    (err: unknown) => {
      logger.error('shutdown failed', { error: describeError(err) });
      return false;
    },
  );
  const clean = await Promise.race([stopped, expired]);
  clearTimeout(timer);
  if (!clean) logger.warn('shutdown did not finish cleanly', { graceMs });
  return clean;
}
