/**
 * The paging rule behind `PlatformApi.listRunsSince`, shared by the adapters. Neither Spacelift nor HCP Terraform
 * documents the order of a unit's run list, so no run's position is trusted: every run of every page is checked
 * against `since`, and the next page is read while the current one still held a run created at or after `since`
 * (pages walk back in time, so a page without one means the older pages hold none either), up to `maxPages`.
 */
import type { Run } from '../platform/types';

export interface RunPage<C> {
  runs: Run[];
  /** The cursor of the next (older) page; undefined when there is none. */
  next: C | undefined;
}

export interface RunsSince {
  /** Runs created at or after `since`, each once, in the order they were found. */
  runs: Run[];
  /** False when `maxPages` pages were read and the last one still held recent runs: older pages were not read. */
  complete: boolean;
}

export async function collectRunsSince<C>(
  since: number,
  first: C,
  fetchPage: (cursor: C) => Promise<RunPage<C>>,
  maxPages: number,
): Promise<RunsSince> {
  const found = new Map<string, Run>();
  let cursor = first;
  for (let page = 1; page <= maxPages; page++) {
    const { runs, next } = await fetchPage(cursor);
    const recent = runs.filter((run) => isSince(run, since));
    for (const run of recent) found.set(run.id, run);
    if (recent.length === 0 || next === undefined) return { runs: [...found.values()], complete: true };
    cursor = next;
  }
  return { runs: [...found.values()], complete: false };
}

/** A run whose creation time is unknown (null createdAt) cannot be shown to be recent. */
export function isSince(run: Run, since: number): boolean {
  return typeof run.createdAt === 'number' && run.createdAt >= since;
}
