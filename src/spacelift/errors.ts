/** Typed Spacelift errors, one class per PlatformError kind (src/platform/errors.ts). */
import { PlatformError, type PlatformErrorContext, type PlatformErrorKind } from '../platform/errors';

export type SpaceliftErrorContext = PlatformErrorContext;

/** The base; thrown as it is for a refusal the client makes out itself (a 4xx, a run that cannot be stopped). */
export class SpaceliftError extends PlatformError {
  constructor(message: string, kind: PlatformErrorKind, context: SpaceliftErrorContext, options?: { cause?: unknown }) {
    super(message, kind, context, options);
  }
}

/** HTTP 5xx/429, timeouts, connection resets, and GraphQL errors[] that say the server failed ("internal error"). */
export class SpaceliftTransientError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext, options?: { cause?: unknown }) {
    super(message, 'transient', context, options);
  }
}

/**
 * Spacelift refused the operation with a GraphQL `errors[]` answer (HTTP 200), e.g. "no runs found that can be
 * discarded": asking again will get the same answer, like HCP Terraform's 4xx (TerraformRejectedError).
 * `reason` is the server's own message.
 */
export class SpaceliftRefusedError extends SpaceliftError {
  constructor(
    message: string,
    context: SpaceliftErrorContext,
    readonly reason: string,
  ) {
    super(message, 'refused', context);
  }
}

/** Bad API key id/secret, or still unauthorized after one token refresh. */
export class SpaceliftAuthError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext) {
    super(message, 'auth', context);
  }
}

/** The stack or run does not exist (or is not visible to this key). */
export class SpaceliftNotFoundError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext) {
    super(message, 'not_found', context);
  }
}

/** A response that does not match its JSON Schema: retrying will not fix it. */
export class SpaceliftSchemaError extends SpaceliftError {
  constructor(message: string, context: SpaceliftErrorContext) {
    super(message, 'schema', context);
  }
}
