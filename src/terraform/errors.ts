/**
 * Typed HCP Terraform errors. Each extends the matching Spacelift error class (the project's platform error base),
 * so code that already handles SpaceliftError — the activities' retryable check, the CLI's credentials exit code —
 * treats a Terraform failure the same way. `context.stackId` carries the workspace name.
 */
import {
  SpaceliftAuthError,
  SpaceliftError,
  SpaceliftNotFoundError,
  SpaceliftSchemaError,
  SpaceliftTransientError,
  type SpaceliftErrorContext,
} from '../spacelift/errors';

export type TerraformErrorContext = SpaceliftErrorContext;

/** HTTP 5xx/408/425/429, malformed JSON, timeouts, connection resets: retrying may help. */
export class TerraformTransientError extends SpaceliftTransientError {}

/** HTTP 401 (token absent, invalid or expired) or 403. HCP Terraform answers a valid token's forbidden request with 404. */
export class TerraformAuthError extends SpaceliftAuthError {}

/** HTTP 404: the workspace, run or organization does not exist, or this token may not see it. */
export class TerraformNotFoundError extends SpaceliftNotFoundError {}

/** A response that does not match its JSON Schema: retrying will not fix it. */
export class TerraformSchemaError extends SpaceliftSchemaError {}

/** Any other 4xx (409 "not possible in this status", 422 malformed request ...), or a run that cannot be stopped. */
export class TerraformRejectedError extends SpaceliftError {
  constructor(message: string, context: TerraformErrorContext) {
    super(message, context, false);
  }
}

export type TerraformError =
  | TerraformTransientError | TerraformAuthError | TerraformNotFoundError | TerraformSchemaError | TerraformRejectedError;

export function isTerraformError(err: unknown): err is TerraformError {
  return (
    err instanceof TerraformTransientError || err instanceof TerraformAuthError || err instanceof TerraformNotFoundError ||
    err instanceof TerraformSchemaError || err instanceof TerraformRejectedError
  );
}
