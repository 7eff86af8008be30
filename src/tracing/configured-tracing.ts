import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Config } from '../config/types';
import type { Logger } from '../log/logger';
import { installTracing } from './install-tracing';
import type { Tracing } from './types';

/**
 * serve, worker and webhook: tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, else undefined (and the OpenTelemetry
 * SDK is never loaded). Export failures (a collector that is down) are warnings in our log, through its secret scrubber.
 */
export async function startConfiguredTracing(
  config: Pick<Config, 'tracing' | 'spacelift' | 'terraform'>,
  logger: Logger,
): Promise<Tracing | undefined> {
  if (!config.tracing) return undefined;
  const report = (message: string, ...args: unknown[]) =>
    logger.warn(message, { source: 'opentelemetry', ...(args.length ? { detail: args.map(String).join(' ') } : {}) });
  const ignore = () => undefined;
  diag.setLogger({ error: report, warn: report, info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.WARN);
  const tracedOrigins = [config.spacelift?.endpoint, config.terraform?.url].filter((url): url is string => url !== undefined);
  const tracing = await installTracing({
    serviceName: config.tracing.serviceName,
    export: { url: config.tracing.tracesUrl, headers: config.tracing.headers },
    tracedOrigins,
  });
  logger.info('tracing on', { traces: config.tracing.tracesUrl, serviceName: config.tracing.serviceName });
  return tracing;
}
