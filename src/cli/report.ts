import { loadConfig } from '../config/load-config';
import { createProgress, type ProgressStream } from '../graph/progress';
import { buildReport } from '../report/build-report';
import { formatDuration, parseSpan, SpanError } from '../report/format';
import { readCascades, retentionMs } from '../report/read-cascades';
import { renderHtml } from '../report/render-html';
import { renderMarkdown } from '../report/render-markdown';
import { renderMermaid } from '../report/render-mermaid';
import { renderText } from '../report/render-text';
import type { CascadeRecord, CascadeSummary, Report } from '../report/types';
import { CASCADE_WORKFLOW_TYPE } from '../workflows/cascade-types';
import type { CommandContext } from './command-context';
import { readCascadeStatus } from './control/cascade-status';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import { withTemporal, type TemporalSession } from '../service/temporal-session';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'mermaid', 'html'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

const DEFAULT_SINCE = '7d';
const DEFAULT_STUCK_AFTER = '6h';
const DEFAULT_TOP = 10;
/** Stuck cascades and stacks listed; the rest are counted. */
const STUCK_LIMIT = 50;

const RENDERERS: Record<ReportFormat, (report: Report, focus: CascadeSummary | undefined) => string> = {
  text: (report) => renderText(report),
  json: (report) => JSON.stringify(report, null, 2),
  markdown: (report) => renderMarkdown(report),
  mermaid: (_report, focus) => renderMermaid(focus),
  html: (report, focus) => renderHtml(report, focus),
};

/**
 * `report [--since 7d] [--root <stack>] [--stuck-after 6h] [--cascade <workflow-id>] [--format …]`: where the
 * cascades of a time window spent their time, which stacks are slow or hold others up, and what is stuck. Reads
 * Temporal visibility and each cascade's status (and the audit log for those Temporal cannot give); changes nothing.
 */
export async function runReport(
  context: CommandContext,
  progressStream: ProgressStream = process.stderr,
  now: () => number = Date.now,
): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'report' });
  const until = now();
  const sinceMs = span('since', context.options.since ?? DEFAULT_SINCE);
  const stuckAfterMs = span('stuck-after', context.options['stuck-after'] ?? DEFAULT_STUCK_AFTER);
  const top = positiveInteger('top', context.options.top ?? String(DEFAULT_TOP));
  const format = (context.options.format ?? 'text') as ReportFormat;
  const root = context.options.root;
  const single = context.options.cascade;
  const since = until - sinceMs;

  return withTemporal(config.temporal, async (session) => {
    const progress = createProgress(progressStream, 'reading cascades…');
    const records =
      single !== undefined ? readOne(session, single) : readCascades(session, { since, ...(root !== undefined ? { root } : {}) });
    try {
      const { report, slowest } = await buildReport(records, {
        since: single !== undefined ? until : since,
        until,
        ...(root !== undefined ? { root } : {}),
        stuckAfterMs,
        top,
        stuckLimit: STUCK_LIMIT,
        ...(config.audit ? { audit: config.audit } : {}),
        onProgress: (count) => progress.update(count),
      });
      if (single === undefined) await noteRetention(session, report, sinceMs);
      if (single !== undefined && slowest) report.window.since = new Date(slowest.startedAt).toISOString();
      progress.done();
      context.stdout(RENDERERS[format](report, slowest));
      return EXIT.ok;
    } finally {
      progress.done();
    }
  });
}

/** `--cascade <id>`: only that workflow, read like the others. */
async function* readOne(session: TemporalSession, workflowId: string): AsyncGenerator<CascadeRecord> {
  const handle = session.client.workflow.getHandle(workflowId);
  const description = await session.describe(handle);
  if (description.type !== CASCADE_WORKFLOW_TYPE)
    throw new Error(`workflow ${workflowId} is a ${description.type}, not a ${CASCADE_WORKFLOW_TYPE}`);
  const base = {
    workflowId,
    execution: description.status.name,
    startedAt: description.startTime.getTime(),
    ...(description.closeTime ? { closedAt: description.closeTime.getTime() } : {}),
  };
  yield { ...base, status: await readCascadeStatus(session, handle, description), source: 'temporal' };
}

/** A window longer than the namespace keeps ended workflows misses some: say so, with the date. */
async function noteRetention(session: TemporalSession, report: Report, sinceMs: number): Promise<void> {
  const retention = await retentionMs(session).catch(() => undefined);
  if (retention === undefined || retention >= sinceMs) return;
  const horizon = new Date(Date.parse(report.window.until) - retention).toISOString();
  report.notes.push(
    `namespace ${session.config.namespace} keeps ended workflows for ${formatDuration(retention)}: cascades that ended before ${horizon} are not in this report`,
  );
}

function span(option: string, value: string): number {
  try {
    return parseSpan(option, value);
  } catch (err) {
    if (err instanceof SpanError) throw new UsageError(err.message);
    throw err;
  }
}

function positiveInteger(option: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000)
    throw new UsageError(`--${option} must be an integer from 1 to 1000, got '${value}'`);
  return Number(value);
}
