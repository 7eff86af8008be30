import type { RunDelta } from './types';

/** Resource counts as a webhook or a caller reports them: a count may be null (unknown), extra fields may ride along. */
export interface ReportedDelta {
  added: number | null;
  changed: number | null;
  deleted: number | null;
}

/**
 * The port's RunDelta from reported counts: exactly the three counts (Spacelift's `resources` and any other field are
 * dropped), or null when there are none or any count is null, since an unknown count makes the whole delta unknown.
 */
export function toRunDelta(delta: ReportedDelta | null | undefined): RunDelta | null {
  if (!delta || delta.added === null || delta.changed === null || delta.deleted === null) return null;
  return { added: delta.added, changed: delta.changed, deleted: delta.deleted };
}
