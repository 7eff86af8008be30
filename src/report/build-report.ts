import { accessSync, constants } from 'node:fs';
import type { AuditConfig } from '../config/types';
import { ReportBuilder, type ReportOptions } from './aggregate';
import { analyzeCascade } from './analyze-cascade';
import { AUDIT_LOOKUP_LIMIT, readAuditDecisions, statusFromDecisions } from './audit-cascades';
import type { CascadeRecord, CascadeSummary, Report } from './types';

export interface BuildOptions extends ReportOptions {
  /** The audit log, when configured: it stands in for the cascades Temporal cannot give a status for. */
  audit?: AuditConfig;
  /** Called after each cascade is counted, with the running total. */
  onProgress?: (count: number) => void;
}

/**
 * Reads the cascades one at a time into the report. Cascades without a status are looked up in the audit log at
 * the end (at most AUDIT_LOOKUP_LIMIT of them are held for that); every other cascade is counted and let go.
 */
export async function buildReport(
  records: AsyncIterable<CascadeRecord>,
  options: BuildOptions,
): Promise<{ report: Report; slowest?: CascadeSummary }> {
  const builder = new ReportBuilder(options);
  const auditPath = readableAuditLog(options.audit, (note) => builder.note(note));
  const missing: CascadeRecord[] = [];
  let count = 0;
  const add = (record: CascadeRecord) => {
    builder.add(analyzeCascade(record, options.until));
    options.onProgress?.(++count);
  };
  for await (const record of records) {
    if (record.source === 'none') {
      if (record.unreadable)
        builder.note(`${record.unreadable}: ${record.execution.toLowerCase()} cascades without a result are counted without their stacks`);
      if (auditPath && missing.length < AUDIT_LOOKUP_LIMIT) {
        missing.push(record);
        continue;
      }
    }
    add(record);
  }
  if (auditPath && options.audit && missing.length > 0) {
    const found = await readAuditDecisions({ ...options.audit, path: auditPath }, new Set(missing.map((r) => r.workflowId)));
    for (const record of missing) {
      const entry = found.get(record.workflowId);
      add(entry ? { ...record, status: statusFromDecisions(entry.root, entry.decisions), source: 'audit' } : record);
    }
  }
  const report = builder.build();
  return { report, ...(report.slowest[0] ? { slowest: report.slowest[0] } : {}) };
}

/** The audit log's path when it is configured and readable; a note says why not otherwise. */
function readableAuditLog(audit: AuditConfig | undefined, note: (text: string) => void): string | undefined {
  if (!audit?.path) return undefined;
  try {
    accessSync(audit.path, constants.R_OK);
    return audit.path;
  } catch (err) {
    note(
      `audit log ${audit.path} not readable (${(err as NodeJS.ErrnoException).code ?? 'error'}): cascades without a status are counted without their stacks`,
    );
    return undefined;
  }
}
