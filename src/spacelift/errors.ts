/** Typed Spacelift errors. `retryable` tells activities whether Temporal should try again. */

export interface SpaceliftErrorContext {
  operation: string;
  stackId?: string;
  runId?: string;
  status?: number;
  path?: string;
}

export class SpaceliftError extends Error {
  readonly retryable: boolean;
  readonly context: SpaceliftErrorContext;

  constructor(message: string, context: SpaceliftErrorContext, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.retryable = retryable;
    this.context = context;
  }
}

/** HTTP 5xx/429, timeouts, connection resets, and GraphQL errors[] that say the server failed ("internal error"). */
export class SpaceliftTransientError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext, options?: { cause?: unknown }) {
    super(message, context, true, options);
  }
}

/**
 * Spacelift refused the operation with a GraphQL `errors[]` answer (HTTP 200), e.g. "no runs found that can be
 * discarded": asking again will get the same answer, like HCP Terraform's 4xx (TerraformRejectedError).
 * `reason` is the server's own message.
 */
export class SpaceliftRefusedError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext, readonly reason: string) {
    super(message, context, false);
  }
}

/** Bad API key id/secret, or still unauthorized after one token refresh. */
export class SpaceliftAuthError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext) {
    super(message, context, false);
  }
}

/** The stack or run does not exist (or is not visible to this key). */
export class SpaceliftNotFoundError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext) {
    super(message, context, false);
  }
}

/** A response that does not match its JSON Schema: retrying will not fix it. */
export class SpaceliftSchemaError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext) {
    super(message, context, false);
  }
}
