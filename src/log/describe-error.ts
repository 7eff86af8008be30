/**
 * Anything thrown, as text. Handlers can throw non-Errors (strings, null, objects whose toString throws);
 * describing them must never throw in turn.
 */

/** `Name: message`, for a log line's `error` field. */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    if (typeof err === 'string') return err;
    return JSON.stringify(err) ?? String(err);
  } catch {
    return 'unprintable thrown value';
  }
}

/** The message alone, on one line (gRPC errors repeat themselves over several): for a terminal or a reason field. */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : describeError(err);
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
