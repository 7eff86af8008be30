/**
 * The port's errors: every adapter's typed errors extend PlatformError, so the activities (retry or not) and the CLI
 * (exit code 4 for rejected credentials) handle Spacelift and HCP Terraform failures alike, by `kind`.
 */

/**
 * transient: retrying may help (5xx, 429, timeouts, resets, a server error in a GraphQL answer);
 * refused: the platform said no and will say it again (a GraphQL refusal, a 4xx, a run that cannot be stopped);
 * auth: credentials rejected or lacking access; not_found: no such unit or run (or not visible to these credentials);
 * schema: an answer that breaks its JSON Schema.
 */
export type PlatformErrorKind = 'transient' | 'refused' | 'auth' | 'not_found' | 'schema';

export interface PlatformErrorContext {
  operation: string;
  /** The unit's native ID: a stack ID, or a workspace name. */
  stackId?: string;
  runId?: string;
  status?: number;
  /** Where in the answer it went wrong: a GraphQL path or a JSON pointer. */
  path?: string;
}

export class PlatformError extends Error {
  /** Whether Temporal should try again: only transient errors. */
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly kind: PlatformErrorKind,
    readonly context: PlatformErrorContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.retryable = kind === 'transient';
  }
}

/** A unit of a platform this worker has no settings for (`tfc:<workspace>` without TFC_TOKEN/TFC_ORGANIZATION). */
export class PlatformNotConfiguredError extends PlatformError {
  constructor(unit: string) {
    super(`unit ${unit} belongs to HCP Terraform, which is not configured: set TFC_TOKEN and TFC_ORGANIZATION`, 'refused', {
      operation: 'route',
      stackId: unit,
    });
  }
}
