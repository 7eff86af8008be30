import { DefaultLogger, MetricsBuffer, Runtime, type LogEntry, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { LogLevel } from '../config/types';
import type { Logger } from '../log/logger';
import { TEMPORAL_METRICS_BUFFER_SIZE } from '../metrics';

/**
 * The trigger worker (`<queue>-triggers`, src/service/create-worker.ts) has activities only, by design: the SDK's
 * warning that it polls no workflow tasks says nothing an operator should act on.
 */
function isExpected(entry: LogEntry): boolean {
  return (
    entry.message === 'No workflows registered, not polling for workflow tasks' && String(entry.meta?.taskQueue ?? '').endsWith('-triggers')
  );
}

/** SDK and core log entries, as lines of our logger (one JSON object each, secrets scrubbed). */
export function forwardTo(logger: Logger): (entry: LogEntry) => void {
  return (entry) => {
    if (isExpected(entry)) return;
    const level = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : entry.level === 'INFO' ? 'info' : 'debug';
    const log = (message: string, fields: Record<string, unknown>) => logger[level](message, fields);
    try {
      log(entry.message, { source: 'temporal', ...entry.meta });
    } catch {
      // Metadata that cannot be serialised (e.g. a BigInt) must not take the worker down.
      log(entry.message, { source: 'temporal' });
    }
  };
}

const TEMPORAL_LEVEL: Record<LogLevel, TemporalLogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

export interface InstalledRuntime {
  /** The core's worker and client metrics, for createCascadeMetrics({ temporal }) to serve on /metrics. */
  metricsBuffer: MetricsBuffer;
}

let installed: InstalledRuntime | undefined;

/**
 * Installs the Temporal Runtime once per process, before any worker or ephemeral server exists:
 * - SDK and core logs go through our JSON logger (so secrets are scrubbed and every line is one object);
 * - no signal handlers: the commands own SIGINT/SIGTERM, so the listener drains before the worker stops;
 * - the core's metrics go to a buffer that our /metrics drains, rather than to the core's own Prometheus
 *   exporter, which would need a second HTTP port (src/metrics/temporal-metrics.ts).
 */
export function installRuntime(logger: Logger, level: LogLevel): InstalledRuntime {
  if (installed) return installed;
  installed = { metricsBuffer: new MetricsBuffer({ maxBufferSize: TEMPORAL_METRICS_BUFFER_SIZE }) };
  Runtime.install({
    logger: new DefaultLogger(TEMPORAL_LEVEL[level], forwardTo(logger)),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: { buffer: installed.metricsBuffer },
    },
  });
  return installed;
}
