// Parsed JSON in tests, typed: it is `unknown`, and a test reads a value or breaks a document on purpose (a wrong
// type, a missing field: what the wire types forbid) by JSON Pointer (RFC 6901), the path the schema errors name.

function segments(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`a JSON Pointer starts with "/", got ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** An object or array, indexed by a pointer segment (an array index is a string key too). */
function container(value: unknown, pointer: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null)
    throw new Error(`no object or array at ${pointer || '/'} (got ${JSON.stringify(value)})`);
  return value as Record<string, unknown>;
}

function walk(root: unknown, pointer: string): { parent: Record<string, unknown>; key: string } {
  const keys = segments(pointer);
  const key = keys.pop() ?? '';
  let value = root;
  let walked = '';
  for (const k of keys) {
    value = container(value, walked)[k];
    walked += `/${k}`;
  }
  return { parent: container(value, walked), key };
}

/** The value at `pointer`, e.g. `at(body, '/data/searchStacks/edges/0/node/id')`; undefined when the last key is absent. */
export function at(root: unknown, pointer: string): unknown {
  const { parent, key } = walk(root, pointer);
  return parent[key];
}

/** Sets the value at `pointer`; every object or array on the way must exist. */
export function setAt(root: unknown, pointer: string, value: unknown): void {
  const { parent, key } = walk(root, pointer);
  parent[key] = value;
}

/** Deletes the member at `pointer`, which must exist. */
export function deleteAt(root: unknown, pointer: string): void {
  const { parent, key } = walk(root, pointer);
  if (!Object.hasOwn(parent, key)) throw new Error(`nothing to delete at ${pointer}`);
  delete parent[key];
}
