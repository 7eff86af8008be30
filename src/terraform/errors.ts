/**
 * Typed HCP Terraform errors, one class per PlatformError kind (src/platform/errors.ts), so the activities' retry
 * decision and the CLI's credentials exit code treat them as they treat Spacelift's. `context.stackId` carries the
 * workspace name.
 */
import { PlatformError, type PlatformErrorContext, type PlatformErrorKind } from '../platform/errors';

export type TerraformErrorContext = PlatformErrorContext;

export class TerraformError extends PlatformError {
  constructor(message: string, kind: PlatformErrorKind, context: TerraformErrorContext, options?: { cause?: unknown }) {
    super(message, kind, context, options);
  }
}

/** HTTP 5xx/408/425/429, malformed JSON, timeouts, connection resets: retrying may help. */
export class TerraformTransientError extends TerraformError {
  constructor(message: string, context: TerraformErrorContext, options?: { cause?: unknown }) {
    super(message, 'transient', context, options);
  }
}

/** HTTP 401 (token absent, invalid or expired) or 403. HCP Terraform answers a valid token's forbidden request with 404. */
export class TerraformAuthError extends TerraformError {
  constructor(message: string, context: TerraformErrorContext) {
    super(message, 'auth', context);
  }
}

/** HTTP 404: the workspace, run or organization does not exist, or this token may not see it. */
export class TerraformNotFoundError extends TerraformError {
  constructor(message: string, context: TerraformErrorContext) {
    super(message, 'not_found', context);
  }
}

/** A response that does not match its JSON Schema: retrying will not fix it. */
export class TerraformSchemaError extends TerraformError {
  constructor(message: string, context: TerraformErrorContext) {
    super(message, 'schema', context);
  }
}

/** Any other 4xx (409 "not possible in this status", 422 malformed request ...), or a run that cannot be stopped. */
export class TerraformRejectedError extends TerraformError {
  constructor(message: string, context: TerraformErrorContext) {
    super(message, 'refused', context);
  }
}
