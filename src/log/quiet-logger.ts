import { configSecrets } from '../config/config-secrets';
import type { Config } from '../config/types';
import { createLogger, silentLogger, type Logger } from './logger';

/** For commands whose output is the answer (plan, graph, check-connection): client logs only at LOG_LEVEL=debug. */
export function quietLogger(config: Config): Logger {
  return config.logLevel === 'debug' ? createLogger({ level: 'debug', secrets: configSecrets(config) }) : silentLogger;
}
