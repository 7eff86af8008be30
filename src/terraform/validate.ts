/**
 * Response validation against schemas/terraform-*.json, the same mechanism as src/spacelift/validate.ts: every
 * HCP Terraform answer is checked before the cascade trusts it, and a mismatch becomes a TerraformSchemaError that
 * names the JSON path and the value found there.
 */
import { compileSchemas } from '../schemas/compile-schemas';
import { describeMismatch } from '../schemas/describe-mismatch';
import { TerraformSchemaError, type TerraformErrorContext } from './errors';

export { describeFailure, valueAt } from '../schemas/describe-mismatch';

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
  'workspace-list': require('../../schemas/terraform-workspace-list.json') as object,
  'workspace-show': require('../../schemas/terraform-workspace-show.json') as object,
  'run-show': require('../../schemas/terraform-run-show.json') as object,
  'run-list': require('../../schemas/terraform-run-list.json') as object,
  'account-details': require('../../schemas/terraform-account-details.json') as object,
  errors: require('../../schemas/terraform-errors.json') as object,
} satisfies Record<string, object>;

/** A response schema, named after its file: `run-show` is schemas/terraform-run-show.json. */
export type TerraformSchemaName = keyof typeof RESPONSE_SCHEMAS;

export const TERRAFORM_SCHEMA_NAMES = Object.keys(RESPONSE_SCHEMAS) as TerraformSchemaName[];

const validators = compileSchemas(COMPONENT_SCHEMAS, RESPONSE_SCHEMAS);

/** Returns `data` typed as T when it matches schema `name`; otherwise throws TerraformSchemaError. */
export function validateTerraformResponse<T>(name: TerraformSchemaName, data: unknown, context: TerraformErrorContext): T {
  const validate = validators[name];
  if (validate(data)) return data as T;
  const { path, message } = describeMismatch(context.operation, validate.errors ?? [], data);
  throw new TerraformSchemaError(message, { ...context, path });
}

/** True when `data` matches schema `name`; for tests and the fake server's self-check. */
export function matchesTerraformSchema(name: TerraformSchemaName, data: unknown): boolean {
  return validators[name](data) === true;
}
