import { ConfigError } from '../config/errors';
import { PlatformError } from '../platform/errors';
import { SpaceliftCredentialsError, TemporalUnreachableError, TerraformCredentialsError } from '../service/errors';

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

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT.usage;
  if (err instanceof TemporalUnreachableError) return EXIT.temporalUnreachable;
  if (
    err instanceof SpaceliftCredentialsError ||
    err instanceof TerraformCredentialsError ||
    (err instanceof PlatformError && err.kind === 'auth')
  ) {
    return EXIT.spaceliftCredentials;
  }
  return EXIT.failure;
}
