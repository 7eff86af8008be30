/**
 * Response validation against schemas/terraform-*.json, the same mechanism as src/spacelift/validate.ts: every
 * HCP Terraform answer is checked before the cascade trusts it, and a mismatch becomes a TerraformSchemaError that
 * names the JSON path and the value found there.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { TerraformSchemaError, type TerraformErrorContext } from './errors';

/*
 * Plain require() rather than `import x from '*.json'`: tsconfig.build.json has rootDir "src", and an import would
 * pull schemas/ into the program (TS6059). src/terraform and dist/terraform both sit two levels below the repo, and
 * esbuild inlines literal require() calls, so the schemas are inside the single-executable binary too.
 */
const COMPONENT_SCHEMAS: readonly object[] = [
  require('../../schemas/terraform-workspace.json'),
  require('../../schemas/terraform-run.json'),
  require('../../schemas/terraform-plan.json'),
];

const RESPONSE_SCHEMAS = {
  'workspace-list': require('../../schemas/terraform-workspace-list.json'),
  'workspace-show': require('../../schemas/terraform-workspace-show.json'),
  'run-show': require('../../schemas/terraform-run-show.json'),
  'run-list': require('../../schemas/terraform-run-list.json'),
  'account-details': require('../../schemas/terraform-account-details.json'),
  errors: require('../../schemas/terraform-errors.json'),
} satisfies Record<string, object>;

/** A response schema, named after its file: `run-show` is schemas/terraform-run-show.json. */
export type TerraformSchemaName = keyof typeof RESPONSE_SCHEMAS;

export const TERRAFORM_SCHEMA_NAMES = Object.keys(RESPONSE_SCHEMAS) as TerraformSchemaName[];

const validators = compileAll();

/** Returns `data` typed as T when it matches schema `name`; otherwise throws TerraformSchemaError. */
export function validateTerraformResponse<T>(name: TerraformSchemaName, data: unknown, context: TerraformErrorContext): T {
  const validate = validators[name];
  if (validate(data)) return data as T;
  const { path, reason, keyword } = describeFailure(validate.errors ?? []);
  const got = keyword === 'required' ? '' : ` (got ${describeValue(valueAt(data, path))})`;
  throw new TerraformSchemaError(`${context.operation} response invalid at ${path}: ${reason}${got}`, { ...context, path });
}

/** True when `data` matches schema `name`; for tests and the fake server's self-check. */
export function matchesTerraformSchema(name: TerraformSchemaName, data: unknown): boolean {
  return validators[name](data) === true;
}

function compileAll(): Record<TerraformSchemaName, ValidateFunction> {
  const ajv = new Ajv({ allErrors: false, strict: true });
  for (const schema of COMPONENT_SCHEMAS) ajv.addSchema(schema);
  const compiled = {} as Record<TerraformSchemaName, ValidateFunction>;
  // run-list refers to run-show's definitions, so every response schema is registered before any is compiled.
  for (const name of TERRAFORM_SCHEMA_NAMES) ajv.addSchema(RESPONSE_SCHEMAS[name]);
  for (const name of TERRAFORM_SCHEMA_NAMES) {
    const id = (RESPONSE_SCHEMAS[name] as { $id: string }).$id;
    compiled[name] = ajv.getSchema(id) as ValidateFunction;
  }
  return compiled;
}

/**
 * Ajv reports every failed branch of an anyOf (nullable fields) and a closing "must match then schema" for
 * if/then; the useful error is the deepest specific one.
 */
export function describeFailure(errors: readonly ErrorObject[]): { path: string; reason: string; keyword: string } {
  const isNullBranch = (e: ErrorObject): boolean => e.keyword === 'type' && e.params.type === 'null';
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if' && !isNullBranch(e));
  const pool = specific.length > 0 ? specific : errors;
  if (pool.length === 0) return { path: '/', reason: 'does not match its schema', keyword: '' };
  const error = pool.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  let reason = error.message ?? error.keyword;
  if (error.keyword === 'const') reason += ` ${JSON.stringify((error.params as { allowedValue?: unknown }).allowedValue)}`;
  const nullable = errors.some((e) => isNullBranch(e) && e.instancePath === error.instancePath);
  if (error.keyword === 'type' && nullable) reason += ' or null';
  return { path: error.instancePath || '/', reason, keyword: error.keyword };
}

export function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (raw === '') continue;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'object') return 'object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
