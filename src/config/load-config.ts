import { loadAuditConfig } from './audit-section';
import { loadCascadeConfig } from './cascade-section';
import { ConfigError } from './errors';
import { parseEnum, parseInteger } from './parse-values';
import type { ConfigFlags, Env } from './read-secret';
import { createReader } from './reader';
import { joinNames, loadCascadeKeyId, loadSpaceliftConfig, SPACELIFT_CREDENTIAL_VARIABLES } from './spacelift-section';
import { loadTemporalConfig } from './temporal-section';
import { loadTerraformConfig } from './terraform-section';
import { loadTracingConfig } from './tracing-section';
import type { Config, LogLevel, SpaceliftConfig } from './types';
import { loadNotifyConfig } from './notify-section';
import { loadWebhookConfig } from './webhook-section';

/** What the command about to run needs; decides which settings are mandatory. */
export type ConfigRole =
  'serve' | 'worker' | 'webhook' | 'check-connection' | 'demo' | 'plan' | 'status' | 'cancel' | 'approve' | 'reject' | 'graph' | 'report';

export interface LoadConfigFlags extends ConfigFlags {
  insecureSkipSignature?: boolean;
}

export interface LoadConfigOptions {
  env: Env;
  flags?: LoadConfigFlags;
  role: ConfigRole;
}

/** serve, worker and plan always have Spacelift credentials; loadConfig guarantees it for those roles. */
export type ConfigWithSpacelift = Config & { spacelift: SpaceliftConfig };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const MAX_SHUTDOWN_GRACE_MS = 600_000;

const NEEDS_SPACELIFT: readonly ConfigRole[] = ['serve', 'worker', 'plan'];
const NEEDS_WEBHOOK_SECRET: readonly ConfigRole[] = ['serve', 'webhook'];

/**
 * Builds the one typed Config from flags > VAR > VAR_FILE > $CREDENTIALS_DIRECTORY/VAR, validating every
 * setting that is present (even ones this role does not use) and throwing ConfigError with the exact reason.
 */
export function loadConfig(options: LoadConfigOptions & { role: 'serve' | 'worker' | 'plan' }): ConfigWithSpacelift;
export function loadConfig(options: LoadConfigOptions): Config;
export function loadConfig({ env, flags = {}, role }: LoadConfigOptions): Config {
  const { insecureSkipSignature = false, ...variableFlags } = flags;
  const read = createReader(env, variableFlags);

  const temporal = loadTemporalConfig(read);
  const spacelift = loadSpaceliftConfig(read, { keyIdAlone: role === 'webhook' });
  const cascadeKeyId = loadCascadeKeyId(read);
  const terraform = loadTerraformConfig(read, spacelift?.requestTimeoutMs);
  const webhook = loadWebhookConfig(read, insecureSkipSignature);
  const cascade = loadCascadeConfig(read);
  const notify = loadNotifyConfig(read);
  const audit = loadAuditConfig(read);
  const { logLevel, shutdownGraceMs } = loadGeneralConfig({ env, flags: variableFlags });
  const metricsPortRaw = read.get('METRICS_PORT');
  const metricsPort = metricsPortRaw ? parseInteger(metricsPortRaw, 1, 65535) : undefined;
  const tracing = loadTracingConfig(read);

  if (NEEDS_SPACELIFT.includes(role) && !spacelift) {
    throw new ConfigError(`${role} needs Spacelift API credentials: set ${joinNames(SPACELIFT_CREDENTIAL_VARIABLES)}`);
  }
  if (NEEDS_WEBHOOK_SECRET.includes(role) && webhook.secrets.length === 0 && !insecureSkipSignature) {
    throw new ConfigError(
      `${role} needs SPACELIFT_WEBHOOK_SECRET to verify webhooks (or --insecure-skip-signature to accept unsigned ones)`,
      'SPACELIFT_WEBHOOK_SECRET',
    );
  }

  return {
    temporal,
    ...(spacelift ? { spacelift } : {}),
    ...(cascadeKeyId ? { cascadeKeyId } : {}),
    ...(terraform ? { terraform } : {}),
    webhook,
    cascade,
    notify,
    audit,
    logLevel,
    shutdownGraceMs,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    ...(tracing ? { tracing } : {}),
  };
}

/** Only LOG_LEVEL and SHUTDOWN_GRACE_MS: the demo brings its own Temporal and Spacelift, so it ignores the rest. */
export function loadGeneralConfig({ env, flags = {} }: Omit<LoadConfigOptions, 'role'>): Pick<Config, 'logLevel' | 'shutdownGraceMs'> {
  const read = createReader(env, flags);
  return {
    logLevel: parseEnum(read.orDefault('LOG_LEVEL'), LOG_LEVELS),
    shutdownGraceMs: parseInteger(read.orDefault('SHUTDOWN_GRACE_MS'), 0, MAX_SHUTDOWN_GRACE_MS),
  };
}
