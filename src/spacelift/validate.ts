/**
 * Response validation against the JSON Schemas in schemas/. Spacelift's API is not versioned, so every response
 * is checked before the workflow trusts it; a mismatch becomes a SpaceliftSchemaError that names the JSON path.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { SpaceliftSchemaError, type SpaceliftErrorContext } from './errors';

/*
 * Plain require() rather than `import x from '*.json'`: tsconfig.build.json has rootDir "src", and an import would
 * pull schemas/ into the program (TS6059). Both src/spacelift and dist/spacelift sit two levels below the repo,
 * so the relative path works from either, and esbuild inlines literal require() calls when bundling.
 */
const COMPONENT_SCHEMAS: readonly object[] = [
  require('../../schemas/spacelift-stack.json'),
  require('../../schemas/spacelift-run.json'),
];

const RESPONSE_SCHEMAS = {
  'api-key-user': require('../../schemas/spacelift-api-key-user.json'),
  'search-stacks': require('../../schemas/spacelift-search-stacks.json'),
  'run-trigger': require('../../schemas/spacelift-run-trigger.json'),
  'run-cancel': require('../../schemas/spacelift-run-cancel.json'),
  'run-discard': require('../../schemas/spacelift-run-discard.json'),
  'stack-run': require('../../schemas/spacelift-stack-run.json'),
  'stack-runs': require('../../schemas/spacelift-stack-runs.json'),
  viewer: require('../../schemas/spacelift-viewer.json'),
  'graphql-errors': require('../../schemas/spacelift-graphql-errors.json'),
} satisfies Record<string, object>;

/** A response schema, named after its file: `search-stacks` is schemas/spacelift-search-stacks.json. */
export type SchemaName = keyof typeof RESPONSE_SCHEMAS;

export const SCHEMA_NAMES = Object.keys(RESPONSE_SCHEMAS) as SchemaName[];

export interface ValidateOptions {
  /** Quote the offending value in the message (default true). Off for responses that carry a JWT. */
  echoValues?: boolean;
}

const validators = compileAll();

/** Returns `data` typed as T when it matches schema `name`; otherwise throws SpaceliftSchemaError. */
export function validateResponse<T>(
  name: SchemaName,
  data: unknown,
  context: SpaceliftErrorContext,
  options: ValidateOptions = {},
): T {
  const validate = validators[name];
  if (validate(data)) return data as T;
  const { path, reason, keyword } = describeFailure(validate.errors ?? []);
  // A missing property has no value to show; everything else says what was found instead.
  const got = keyword === 'required' ? '' : ` (got ${describeValue(valueAt(data, path), options.echoValues ?? true)})`;
  throw new SpaceliftSchemaError(`${context.operation} response invalid at ${path}: ${reason}${got}`, { ...context, path });
}

/** True when `data` matches schema `name`; for tests and the fake server's self-check. */
export function matchesSchema(name: SchemaName, data: unknown): boolean {
  return validators[name](data) === true;
}

function compileAll(): Record<SchemaName, ValidateFunction> {
  const ajv = new Ajv({ allErrors: false, strict: true });
  for (const schema of COMPONENT_SCHEMAS) ajv.addSchema(schema);
  const compiled = {} as Record<SchemaName, ValidateFunction>;
  for (const name of SCHEMA_NAMES) compiled[name] = ajv.compile(RESPONSE_SCHEMAS[name]);
  return compiled;
}

/*
 * With allErrors off Ajv still reports every failed branch of an anyOf (our nullable fields), then the anyOf
 * itself. The useful error is the deepest one that is not the "must be null" branch: it points inside the object.
 */
function describeFailure(errors: readonly ErrorObject[]): { path: string; reason: string; keyword: string } {
  const isNullBranch = (e: ErrorObject): boolean => e.keyword === 'type' && e.params.type === 'null';
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && !isNullBranch(e));
  const pool = specific.length > 0 ? specific : errors;
  if (pool.length === 0) return { path: '/', reason: 'does not match its schema', keyword: '' };
  const error = pool.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  let reason = error.message ?? error.keyword;
  const nullable = errors.some((e) => isNullBranch(e) && e.instancePath === error.instancePath);
  if (error.keyword === 'type' && nullable) reason += ' or null';
  return { path: error.instancePath || '/', reason, keyword: error.keyword };
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (raw === '') continue;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown, echo: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'object') return 'object';
  if (!echo) return typeof value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
