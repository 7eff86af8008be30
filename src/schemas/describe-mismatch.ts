/**
 * Ajv's errors as the one sentence a response validator throws (src/spacelift/validate.ts,
 * src/terraform/validate.ts): "<operation> response invalid at <path>: <what the schema wants> (got <value>)".
 */
import type { ErrorObject } from 'ajv';

export interface SchemaMismatch {
  /** JSON pointer of the offending value ('/' for the whole document). */
  path: string;
  message: string;
}

/** `echoValues` false shows only the type of a scalar, for responses that may carry a secret. */
export function describeMismatch(operation: string, errors: readonly ErrorObject[], data: unknown, echoValues = true): SchemaMismatch {
  const { path, reason, keyword } = describeFailure(errors);
  // A missing property has no value to show; everything else says what was found instead.
  const got = keyword === 'required' ? '' : ` (got ${describeValue(valueAt(data, path), echoValues)})`;
  return { path, message: `${operation} response invalid at ${path}: ${reason}${got}` };
}

/**
 * Ajv reports every failed branch of an anyOf (nullable fields) and a closing "must match then schema" for
 * if/then, even with allErrors off; the useful error is the deepest specific one, which points inside the object.
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

/** The value at a JSON pointer, or undefined where the path leaves the document. */
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

function describeValue(value: unknown, echo: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'object') return 'object';
  if (!echo) return typeof value;
  const text = JSON.stringify(value) ?? typeof value; // undefined, a function or a symbol
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
