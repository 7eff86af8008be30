import { ConfigError } from '../config/errors';
import { PlatformError } from '../platform/errors';

/** Process exit codes; documented in --help so scripts and systemd units can tell failures apart. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  temporalUnreachable: 3,
  spaceliftCredentials: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad command line: unknown command or flag, missing flag value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Temporal could not be reached (or refused us) at the configured address. */
export class TemporalUnreachableError extends Error {
  constructor(readonly address: string, readonly namespace: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`cannot reach Temporal at ${address} (namespace ${namespace}): ${reason}`, options);
    this.name = 'TemporalUnreachableError';
  }
}

/** Spacelift answered, but does not accept the configured API key. */
export class SpaceliftCredentialsError extends Error {
  constructor(readonly endpoint: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`Spacelift rejected the API key for ${endpoint}: ${reason}`, options);
    this.name = 'SpaceliftCredentialsError';
  }
}

/** HCP Terraform refused TFC_TOKEN (or cannot see the organization with it): the same exit code as Spacelift's. */
export class TerraformCredentialsError extends Error {
  constructor(url: string, organization: string, reason: string, options?: { cause?: unknown }) {
    super(`HCP Terraform at ${url} did not accept TFC_TOKEN for organization ${organization}: ${reason}`, options);
    this.name = 'TerraformCredentialsError';
  }
}

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT.usage;
  if (err instanceof TemporalUnreachableError) return EXIT.temporalUnreachable;
  if (err instanceof SpaceliftCredentialsError || err instanceof TerraformCredentialsError || (err instanceof PlatformError && err.kind === 'auth')) {
    return EXIT.spaceliftCredentials;
  }
  return EXIT.failure;
}
