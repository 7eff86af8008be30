import Ajv, { type ErrorObject } from 'ajv';
import type { RunEvent } from './run-event';

/*
 * Plain require() like src/spacelift/validate.ts: an import would pull schemas/ into the build's rootDir (TS6059);
 * src/webhook and dist/webhook are both two levels below the repo, and esbuild inlines literal require() calls.
 */

const RUN_EVENT_SCHEMA = require('../../schemas/webhook-run-event.json') as object;

export type RunEventValidation = { ok: true; event: RunEvent } | { ok: false; field: string; reason: string };

const validate = new Ajv({ allErrors: false, strict: true }).compile<RunEvent>(RUN_EVENT_SCHEMA);

/** Checks a parsed body against the schema; on failure names the field and the value found there. */
export function validateRunEvent(payload: unknown): RunEventValidation {
  if (validate(payload)) return { ok: true, event: payload };
  const error = pickError(validate.errors ?? []);
  if (!error) return { ok: false, field: '(root)', reason: 'payload does not match the run event schema' };
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    const field = joinField(error.instancePath, missing);
    return { ok: false, field, reason: `${field} is required` };
  }
  const field = joinField(error.instancePath);
  return {
    ok: false,
    field,
    reason: `${field} ${error.message ?? 'is invalid'}, got ${describeValue(valueAt(payload, error.instancePath))}`,
  };
}

/** For nullable fields Ajv reports every anyOf branch; the branch that says "must be null" explains nothing. */
function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null')) ?? errors[0];
}

/** JSON pointer `/run/type` → `run.type`; the root is called `payload`. */
function joinField(pointer: string, child?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? 'payload' : parts.join('.');
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

const MAX_VALUE_CHARS = 60;

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}
