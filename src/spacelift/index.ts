/** The Spacelift boundary: the client, its contracts, typed errors, label parsing and response validation. */
export { SpaceliftClient, STOP_NOTE, type SpaceliftClientOptions } from './client';
export { JwtCache, REFRESH_MARGIN_MS, type TokenGrant } from './auth';
export {
  SpaceliftError,
  SpaceliftTransientError,
  SpaceliftAuthError,
  SpaceliftNotFoundError,
  SpaceliftRefusedError,
  SpaceliftSchemaError,
  type SpaceliftErrorContext,
} from './errors';
export { parseDependsOn, dependsOn } from './labels';
export type { SpaceliftOperation } from './queries';
export { validateResponse, matchesSchema, SCHEMA_NAMES, type SchemaName, type ValidateOptions } from './validate';
