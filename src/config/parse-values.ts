import { ConfigError } from './errors';
import type { RawValue } from './read-secret';

/** Validators for one raw value each. Messages quote the value; callers never pass secrets through them. */

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

export function parseHostPort(raw: RawValue): string {
  const match = HOST_PORT.exec(raw.value);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) fail(raw, 'must be host:port');
  return raw.value;
}

/** A namespace, task queue, host or key ID: non-empty and without spaces. */
export function parseName(raw: RawValue): string {
  const value = raw.value.trim();
  if (value === '' || /\s/.test(value)) fail(raw, 'must be a non-empty name without spaces');
  return value;
}

export function parseInteger(raw: RawValue, min: number, max: number): number {
  const value = /^\d+$/.test(raw.value) ? Number(raw.value) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(raw, `must be an integer from ${min} to ${max}`);
  return value;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** `30s`, `90m`, `4h`, `1h30m` (units ms, s, m, h, d) → milliseconds, within [minMs, maxMs]. */
export function parseDuration(raw: RawValue, minMs: number, maxMs: number): number {
  const value = raw.value.trim().toLowerCase();
  let total = Number.NaN;
  if (DURATION.test(value)) {
    total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(amount) * DURATION_UNITS_MS[unit];
  }
  if (!Number.isSafeInteger(total) || total < minMs || total > maxMs) {
    fail(raw, `must be a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)} such as 30s, 90m or 4h`);
  }
  return total;
}

/** The largest unit that divides `ms` exactly: 60000 → 1m, 2592000000 → 30d. */
export function formatDuration(ms: number): string {
  const [unit, size] = Object.entries(DURATION_UNITS_MS)
    .reverse()
    .find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** A non-negative decimal such as `5` or `0.5`, at most `max`. */
export function parseRate(raw: RawValue, max: number, zeroMeans: string): number {
  const value = /^\d+(?:\.\d+)?$/.test(raw.value.trim()) ? Number(raw.value.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value > max) fail(raw, `must be a number from 0 to ${max} (0 = ${zeroMeans})`);
  return value;
}

export function parseBoolean(raw: RawValue): boolean {
  const value = raw.value.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return fail(raw, 'must be true or false');
}

export function parseEnum<T extends string>(raw: RawValue, allowed: readonly T[]): T {
  const value = raw.value.trim().toLowerCase();
  const found = allowed.find((candidate) => candidate === value);
  return found ?? fail(raw, `must be one of ${allowed.join(', ')}`);
}

/** An http(s) base URL without trailing slashes or a trailing /graphql (the client appends it). */
export function parseApiEndpoint(raw: RawValue): string {
  let url: URL;
  try {
    url = new URL(raw.value.trim());
  } catch {
    return fail(raw, 'must be an http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    fail(raw, 'must be an http(s) URL');
  }
  return raw.value
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/graphql$/i, '')
    .replace(/\/+$/, '');
}

/** `FINISHED, failed` → ['FINISHED', 'FAILED']; every item must be in `known` when it is given. */
export function parseUpperList(raw: RawValue, noun: string, known?: readonly string[]): string[] {
  const items = raw.value
    .split(',')
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item !== '');
  if (items.length === 0) fail(raw, `must list at least one ${noun}`);
  for (const item of items) {
    if (!/^[A-Z][A-Z_]*$/.test(item)) fail(raw, `must be a comma-separated list of ${noun}s`);
    if (known && !known.includes(item)) {
      throw new ConfigError(`${raw.label} contains unknown ${noun} '${item}' (known: ${known.join(', ')})`, raw.label);
    }
  }
  return [...new Set(items)];
}

function fail(raw: RawValue, requirement: string): never {
  throw new ConfigError(`${raw.label} ${requirement}, got '${raw.value}'`, raw.label);
}
