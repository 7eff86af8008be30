import { DefaultLogger, Runtime, type LogEntry, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { LogLevel } from '../../config/types';
import type { Logger } from '../../log/logger';

const TEMPORAL_LEVEL: Record<LogLevel, TemporalLogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

let installed = false;

/**
 * Installs the Temporal Runtime once per process, before any worker or ephemeral server exists:
 * - SDK and core logs go through our JSON logger (so secrets are scrubbed and every line is one object);
 * - no signal handlers: the commands own SIGINT/SIGTERM, so the listener drains before the worker stops.
 */
export function installRuntime(logger: Logger, level: LogLevel): void {
  if (installed) return;
  installed = true;
  const forward = (entry: LogEntry): void => {
    const log = entry.level === 'ERROR' ? logger.error : entry.level === 'WARN' ? logger.warn : entry.level === 'INFO' ? logger.info : logger.debug;
    try {
      log(entry.message, { source: 'temporal', ...entry.meta });
    } catch {
      // Metadata that cannot be serialised (e.g. a BigInt) must not take the worker down.
      log(entry.message, { source: 'temporal' });
    }
  };
  Runtime.install({
    logger: new DefaultLogger(TEMPORAL_LEVEL[level], forward),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
