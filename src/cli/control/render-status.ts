/**
 * `spacelift-cascade status` output. Waves are numbered from 1, as in `spacelift-cascade plan`; stacks the planner
 * left out (cycles) have no wave. The text ends with the audit trail (decisions) and the notifications sent or given
 * up on. The JSON shape gives every key on every stack (null when absent) for scripts.
 */
import { formatPath } from '../../cascade/plan';
import type { CascadeStatus, Decision, NotificationRecord, StackStatus } from '../../workflows/cascade-types';
import type { ChainResult } from '../../workflows/types';

export interface WorkflowHeader {
  workflowId: string;
  workflowType: string;
  /** Temporal's execution status: RUNNING, COMPLETED, CANCELLED, FAILED, TERMINATED, TIMED_OUT… */
  execution: string;
}

export interface StackStatusJson {
  id: string;
  name: string;
  wave: number | null;
  state: StackStatus['state'];
  runId: string | null;
  runState: string | null;
  reason: string | null;
  approvedBy: string | null;
  /** The cascade that triggered the run this one joined (it had not started); null: this cascade's own run. */
  sharedFrom: string | null;
  /** 1, or the run attempt when the stack retries failed runs (cascadeRunRetries:<n>). */
  attempt: number;
}

export interface CascadeStatusJson extends WorkflowHeader {
  root: string;
  rootRunId: string | null;
  done: boolean;
  stacks: StackStatusJson[];
  cycles: string[][];
}

export function cascadeStatusToJson(header: WorkflowHeader, status: CascadeStatus): CascadeStatusJson {
  return {
    ...header,
    root: status.root,
    rootRunId: status.rootRunId ?? null,
    done: status.done,
    stacks: status.stacks.map((s) => ({
      id: s.id,
      name: s.name,
      wave: s.wave >= 0 ? s.wave + 1 : null,
      state: s.state,
      runId: s.runId ?? null,
      runState: s.runState ?? null,
      reason: s.reason ?? null,
      approvedBy: s.approvedBy ?? null,
      sharedFrom: s.sharedFrom ?? null,
      attempt: s.attempt ?? 1,
    })),
    cycles: status.cycles.map((cycle) => [...cycle]),
  };
}

/** The text report, one line per entry, without a trailing newline. */
export function renderCascadeStatus(header: WorkflowHeader, status: CascadeStatus): string {
  const json = cascadeStatusToJson(header, status);
  const rows = json.stacks.map((s) => [s.id, s.wave === null ? '-' : String(s.wave), s.state, s.runId ?? '-', describeReason(s)]);
  return [
    `${headline(header)}, ${status.done ? 'done' : 'not done'}`,
    `Root: ${status.root}${status.rootRunId ? ` (run ${status.rootRunId})` : ''}`,
    ...(rows.length > 0 ? columns(['STACK', 'WAVE', 'STATE', 'RUN ID', 'REASON'], rows) : ['No stacks downstream (yet).']),
    `Cycles: ${status.cycles.length === 0 ? 'none' : status.cycles.map((cycle) => formatPath(cycle)).join('; ')}`,
    // A cascade that completed under an earlier version has neither list in its result.
    ...section('Decisions', ['AT', 'STACK', 'DECISION', 'DETAILS'], (status.decisions ?? []).map(decisionRow)),
    ...section('Notifications', ['AT', 'EVENT', 'CHANNEL', 'STACK', 'RESULT'], (status.notifications ?? []).map(notificationRow)),
  ].join('\n');
}

function decisionRow(decision: Decision): string[] {
  const details = [decision.by ? `by ${decision.by}` : null, decision.runId ? `run ${decision.runId}` : null, decision.reason ?? null];
  return [shortTime(decision.at), decision.stackId, decision.decision, joinDefined(details)];
}

function notificationRow(record: NotificationRecord): string[] {
  const result = record.delivered ? 'delivered' : `not delivered${record.error ? `: ${record.error}` : ''}`;
  return [shortTime(record.at), record.event, record.channel, record.stackId ?? '-', result];
}

/** `Title: none`, or `Title (n):` and an indented table. */
function section(title: string, titles: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [`${title}: none`];
  return [`${title} (${rows.length}):`, ...columns(titles, rows).map((line) => `  ${line}`)];
}

/** Workflow time to the second, still ISO 8601 and UTC: 2026-01-05T10:00:03Z. */
function shortTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

function joinDefined(parts: (string | null)[]): string {
  const defined = parts.filter((p): p is string => Boolean(p));
  return defined.length > 0 ? defined.join('; ') : '-';
}

export function renderChainStatus(header: WorkflowHeader, result: ChainResult | null): string {
  if (!result) {
    const why = header.execution === 'RUNNING' ? 'no result yet (it reports only when complete)' : 'it ended without a result';
    return `${headline(header)}: ${why}`;
  }
  const rows = result.dependents.map((d) => [d.stack_id, d.status, d.status === 'triggered' ? d.run.id : d.error]);
  return [
    headline(header),
    `Root: ${result.stack_id}${result.run_id ? ` (run ${result.run_id})` : ''}`,
    ...(rows.length > 0 ? columns(['STACK', 'STATUS', 'RUN ID / ERROR'], rows) : ['No dependents.']),
  ].join('\n');
}

function headline({ workflowId, workflowType, execution }: WorkflowHeader): string {
  return `${workflowId} (${workflowType}) ${execution}`;
}

function describeReason(stack: StackStatusJson): string {
  return joinDefined([
    stack.reason,
    stack.approvedBy ? `approved by ${stack.approvedBy}` : null,
    stack.sharedFrom ? `joined the run of ${stack.sharedFrom}` : null,
    stack.attempt > 1 ? `run attempt ${stack.attempt}` : null,
  ]);
}

/** Left-aligned columns; the last one is not padded, so lines carry no trailing blanks. */
function columns(titles: string[], rows: string[][]): string[] {
  const widths = titles.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(titles), ...rows.map(line)];
}
