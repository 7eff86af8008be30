import { formatDuration, formatPercent, formatTime } from './format';
import { SPLIT_KEYS, type CascadeSummary, type Report } from './types';

/** A table the text, Markdown and HTML renderers all draw: a title, column names, rows of cells. */
export interface Section {
  title: string;
  columns: string[];
  /** Columns aligned right (numbers, durations). */
  numeric: number[];
  rows: string[][];
  /** Shown instead of an empty table. */
  empty: string;
  /** A line under the table (what was left out). */
  footnote?: string;
}

const OUTCOME_ORDER = ['completed', 'failed', 'running', 'cancelled', 'terminated', 'timed_out', 'error'] as const;

/** Lines of the report's head: the window, cascades by outcome, durations, notes. */
export function summaryLines(report: Report): string[] {
  const { cascades } = report;
  const outcomes = OUTCOME_ORDER.filter((o) => cascades.byOutcome[o])
    .map((o) => `${cascades.byOutcome[o]} ${o}`)
    .join(', ');
  return [
    `window: ${formatTime(Date.parse(report.window.since))} to ${formatTime(Date.parse(report.window.until))}${report.window.root ? `, root ${report.window.root}` : ''}`,
    `cascades: ${cascades.total}${outcomes ? ` (${outcomes})` : ''}`,
    `duration of ended cascades: p50 ${formatDuration(cascades.durationP50)}, p95 ${formatDuration(cascades.durationP95)}`,
    ...(cascades.fromAuditLog > 0 ? [`from the audit log (Temporal could not give their status): ${cascades.fromAuditLog}`] : []),
    ...(cascades.unreadable > 0 ? [`status not readable: ${cascades.unreadable}`] : []),
    ...report.notes.map((note) => `note: ${note}`),
  ];
}

export function reportSections(report: Report): Section[] {
  return [
    slowestCascades(report),
    ...(report.slowest[0] ? [cascadeStacks(report.slowest[0])] : []),
    slowestStacks(report),
    mostBlocking(report),
    ...stuck(report),
  ];
}

function slowestCascades(report: Report): Section {
  return {
    title: 'Slowest cascades',
    columns: ['cascade', 'outcome', 'duration', 'critical path', 'path time'],
    numeric: [2, 4],
    rows: report.slowest.map((c) => [
      c.workflowId,
      c.outcome,
      formatDuration(c.durationMs),
      pathText(c),
      formatDuration(c.criticalPath.durationMs),
    ]),
    empty: 'no cascades in this window',
  };
}

/** Every stack of one cascade, its time split, critical-path stacks marked with *. */
export function cascadeStacks(cascade: CascadeSummary): Section {
  const onPath = new Set(cascade.criticalPath.stacks);
  const ordered = [...cascade.stacks].sort((a, b) => a.startedAt - b.startedAt || a.wave - b.wave || (a.id < b.id ? -1 : 1));
  return {
    title: `Stacks of ${cascade.workflowId} (${cascade.outcome}, ${formatDuration(cascade.durationMs)}; * on the critical path)`,
    columns: ['stack', 'state', 'parents', 'approval', 'slot', 'window', 'trigger', 'queued', 'running', 'retry'],
    numeric: [2, 3, 4, 5, 6, 7, 8, 9],
    rows: ordered.map((s) => [`${onPath.has(s.id) ? '* ' : ''}${s.id}`, s.state, ...SPLIT_KEYS.map((key) => formatDuration(s.split[key]))]),
    empty: 'no stacks',
  };
}

function slowestStacks(report: Report): Section {
  return {
    title: 'Slowest stacks (time in Spacelift: queued + running)',
    columns: ['stack', 'runs', 'joined', 'success', 'p50', 'p95', 'queued (mean)'],
    numeric: [1, 2, 3, 4, 5, 6],
    rows: report.slowestStacks.map((s) => [
      s.id,
      String(s.triggered),
      String(s.joined),
      formatPercent(s.successRate),
      formatDuration(s.runP50),
      formatDuration(s.runP95),
      formatDuration(s.queuedMean),
    ]),
    empty: 'no run ended in this window',
  };
}

function mostBlocking(report: Report): Section {
  return {
    title: 'Most blocking stacks (time other stacks waited for them)',
    columns: ['stack', 'others waited', 'cascades held up', 'success'],
    numeric: [1, 2, 3],
    rows: report.mostBlocking.map((s) => [
      s.id,
      formatDuration(s.blockedOthersMs),
      String(s.blockedCascades),
      formatPercent(s.successRate),
    ]),
    empty: 'no stack held another one up',
  };
}

function stuck(report: Report): Section[] {
  const after = formatDuration(report.stuckAfterMs);
  return [
    {
      title: `Stuck cascades (running for more than ${after})`,
      columns: ['cascade', 'root', 'running for', 'started'],
      numeric: [2],
      rows: report.stuck.cascades.map((c) => [c.workflowId, c.root, formatDuration(c.ageMs), formatTime(c.startedAt)]),
      empty: 'none',
      ...(report.stuck.moreCascades > 0 ? { footnote: `… and ${report.stuck.moreCascades} more` } : {}),
    },
    {
      title: `Stuck stacks (waiting for more than ${after})`,
      columns: ['cascade', 'stack', 'state', 'for', 'waiting for'],
      numeric: [3],
      rows: report.stuck.stacks.map((s) => [s.workflowId, s.stackId, s.state, formatDuration(s.ageMs), s.reason]),
      empty: 'none',
      ...(report.stuck.moreStacks > 0 ? { footnote: `… and ${report.stuck.moreStacks} more` } : {}),
    },
  ];
}

function pathText(cascade: CascadeSummary): string {
  const path = [cascade.root, ...cascade.criticalPath.stacks].filter(Boolean);
  return path.length > 6 ? [...path.slice(0, 3), '…', ...path.slice(-2)].join(' → ') : path.join(' → ');
}
