/**
 * Response validation against the JSON Schemas in schemas/. Spacelift's API is not versioned, so every response
 * is checked before the workflow trusts it; a mismatch becomes a SpaceliftSchemaError that names the JSON path.
 */
import { compileSchemas } from '../schemas/compile-schemas';
import { describeMismatch } from '../schemas/describe-mismatch';
import { SpaceliftSchemaError, type SpaceliftErrorContext } from './errors';

/*
 * Plain require() rather than `import x from '*.json'`: tsconfig.build.json has rootDir "src", and an import would
 * pull schemas/ into the program (TS6059). Both src/spacelift and dist/spacelift sit two levels below the repo,
 * so the relative path works from either, and esbuild inlines literal require() calls when bundling.
 */
const COMPONENT_SCHEMAS: readonly object[] = [require('../../schemas/spacelift-stack.json'), require('../../schemas/spacelift-run.json')];

const RESPONSE_SCHEMAS = {
  'api-key-user': require('../../schemas/spacelift-api-key-user.json') as object,
  'search-stacks': require('../../schemas/spacelift-search-stacks.json') as object,
  'run-trigger': require('../../schemas/spacelift-run-trigger.json') as object,
  'run-cancel': require('../../schemas/spacelift-run-cancel.json') as object,
  'run-discard': require('../../schemas/spacelift-run-discard.json') as object,
  'stack-run': require('../../schemas/spacelift-stack-run.json') as object,
  'stack-runs': require('../../schemas/spacelift-stack-runs.json') as object,
  viewer: require('../../schemas/spacelift-viewer.json') as object,
  'graphql-errors': require('../../schemas/spacelift-graphql-errors.json') as object,
} satisfies Record<string, object>;

/** A response schema, named after its file: `search-stacks` is schemas/spacelift-search-stacks.json. */
export type SchemaName = keyof typeof RESPONSE_SCHEMAS;

export const SCHEMA_NAMES = Object.keys(RESPONSE_SCHEMAS) as SchemaName[];

export interface ValidateOptions {
  /** Quote the offending value in the message (default true). Off for responses that carry a JWT. */
  echoValues?: boolean;
}

const validators = compileSchemas(COMPONENT_SCHEMAS, RESPONSE_SCHEMAS);

/** Returns `data` typed as T when it matches schema `name`; otherwise throws SpaceliftSchemaError. */
export function validateResponse<T>(name: SchemaName, data: unknown, context: SpaceliftErrorContext, options: ValidateOptions = {}): T {
  const validate = validators[name];
  if (validate(data)) return data as T;
  const { path, message } = describeMismatch(context.operation, validate.errors ?? [], data, options.echoValues ?? true);
  throw new SpaceliftSchemaError(message, { ...context, path });
}

/** True when `data` matches schema `name`; for tests and the fake server's self-check. */
export function matchesSchema(name: SchemaName, data: unknown): boolean {
  return validators[name](data) === true;
}
