/** The HCP Terraform / Terraform Enterprise boundary: client, typed errors, state mapping, webhook, validation. */
export { TerraformClient, DEFAULT_TERRAFORM_URL, TERRAFORM_STOP_COMMENT, type TerraformClientOptions } from './client';
export {
  TerraformTransientError,
  TerraformAuthError,
  TerraformNotFoundError,
  TerraformSchemaError,
  TerraformRejectedError,
  TerraformError,
  type TerraformErrorContext,
} from './errors';
export {
  TERRAFORM_RUN_MESSAGE,
  TERRAFORM_TRIGGERED_BY,
  TERMINAL_RUN_STATUSES,
  DISCARDABLE_STATUSES,
  APPLY_STARTED_STATUSES,
  CANCELABLE_STATUSES,
  RUN_STATUSES,
  mapRunStatus,
  isTerminalRunStatus,
  stopRuleOf,
  triggeredByOf,
  type StopRule,
} from './states';
export { runFromResource, stackFromWorkspace } from './mapping';
export {
  verifyTerraformSignature,
  signTerraformPayload,
  parseTerraformNotification,
  TERRAFORM_SIGNATURE_HEADER,
  type TerraformSignatureCheck,
  type TerraformRunEvent,
  type TerraformNotificationParse,
} from './webhook';
export { validateTerraformResponse, matchesTerraformSchema, TERRAFORM_SCHEMA_NAMES, type TerraformSchemaName } from './validate';
export type * from './types';
