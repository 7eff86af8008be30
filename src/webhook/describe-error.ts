/**
 * A one-line description of anything thrown. Handlers can throw non-Errors (strings, null, objects whose
 * toString throws); describing them must never throw in turn.
 */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    if (typeof err === 'string') return err;
    return JSON.stringify(err) ?? String(err);
  } catch {
    return 'unprintable thrown value';
  }
}
