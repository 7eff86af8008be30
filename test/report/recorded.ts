import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, type BuildOptions } from '../../src/report/build-report';
import type { CascadeRecord } from '../../src/report/types';

/** Cascades recorded on the time-skipping server by fixtures/record-cascades.ts, and when they were recorded. */
export const recorded = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'cascades.json'), 'utf8')) as {
  recordedAt: number;
  records: CascadeRecord[];
};

export const HOUR = 3600_000;
export const MINUTE = 60_000;

export async function* each<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export const recordOf = (id: string) => {
  const found = recorded.records.find((r) => r.workflowId === id);
  if (!found) throw new Error(`no recorded cascade ${id}`);
  return found;
};

/** The report over the recorded cascades, as of when they were recorded. */
export function recordedReport(options: Partial<BuildOptions> = {}, records: Iterable<CascadeRecord> = recorded.records) {
  return buildReport(each(records), {
    since: recorded.recordedAt - 7 * 24 * HOUR,
    until: recorded.recordedAt,
    stuckAfterMs: 6 * HOUR,
    top: 10,
    stuckLimit: 50,
    ...options,
  });
}
