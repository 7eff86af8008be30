import { readVariable, type ConfigFlags, type Env, type RawValue } from './read-secret';
import { variableSpec, type VariableName } from './variables';

/** Reads variables from one fixed set of sources; `orDefault` falls back to the table's default. */
export interface Reader {
  get(name: VariableName): RawValue | undefined;
  orDefault(name: VariableName): RawValue;
}

export function createReader(env: Env, flags: ConfigFlags): Reader {
  const get = (name: VariableName): RawValue | undefined => readVariable(name, env, flags);
  return {
    get,
    orDefault(name) {
      const raw = get(name);
      if (raw) return raw;
      const fallback = variableSpec(name).default;
      if (fallback === undefined) throw new Error(`${name} has no default`);
      return { value: fallback, source: 'default', label: name };
    },
  };
}
