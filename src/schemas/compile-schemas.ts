/** One Ajv instance per platform, compiling its response schemas (and the component schemas they refer to). */
import Ajv, { type ValidateFunction } from 'ajv';

/** Every schema needs an $id: response schemas may refer to each other, so all are registered before any is compiled. */
export function compileSchemas<Name extends string>(
  components: readonly object[],
  responses: Record<Name, object>,
): Record<Name, ValidateFunction> {
  const ajv = new Ajv({ allErrors: false, strict: true });
  for (const schema of components) ajv.addSchema(schema);
  const names = Object.keys(responses) as Name[];
  for (const name of names) ajv.addSchema(responses[name]);
  const compiled = {} as Record<Name, ValidateFunction>;
  for (const name of names) {
    const { $id } = responses[name] as { $id?: unknown };
    const validate = typeof $id === 'string' ? ajv.getSchema($id) : undefined;
    if (!validate) throw new Error(`response schema ${name} has no $id`);
    compiled[name] = validate;
  }
  return compiled;
}
