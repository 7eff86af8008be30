import { formatDuration } from './format';
import type { CascadeSummary, SplitKey } from './types';

const LABELS: Record<SplitKey, string> = {
  parents: 'waiting for parents',
  approval: 'waiting for approval',
  slot: 'waiting for a slot',
  window: 'maintenance window',
  triggering: 'triggering',
  queued: 'queued in Spacelift',
  running: 'running',
  retry: 'waiting to retry a failed run',
};

/**
 * One cascade as a Mermaid Gantt chart (GitHub renders it in Markdown): a section per stack, in the order they
 * started, a bar per part of its time. Waits are `done` (grey), queued runs `active`, and the runs of the stacks on
 * the critical path `crit` (red).
 */
export function renderMermaid(cascade: CascadeSummary | undefined): string {
  if (!cascade) return 'gantt\n  title no cascade in this window\n';
  const onPath = new Set(cascade.criticalPath.stacks);
  const lines = [
    'gantt',
    `  title ${safe(cascade.workflowId)} (${cascade.outcome}, ${formatDuration(cascade.durationMs)})`,
    '  dateFormat x',
    `  axisFormat ${cascade.durationMs < 3600_000 ? '%H:%M:%S' : '%H:%M'}`,
  ];
  const ordered = [...cascade.stacks].sort((a, b) => a.startedAt - b.startedAt || a.wave - b.wave || (a.id < b.id ? -1 : 1));
  let task = 0;
  for (const stack of ordered) {
    lines.push(`  section ${safe(stack.id)}${onPath.has(stack.id) ? ' *' : ''}`);
    if (stack.segments.length === 0) lines.push(`  ${stack.state} :milestone, t${task++}, ${stack.activeAt}, ${stack.activeAt}`);
    for (const segment of stack.segments) {
      const tag = segment.kind === 'running' ? (onPath.has(stack.id) ? 'crit, ' : '') : segment.kind === 'queued' ? 'active, ' : 'done, ';
      lines.push(`  ${LABELS[segment.kind]} :${tag}t${task++}, ${segment.from}, ${segment.to}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Mermaid's Gantt syntax ends a task name at ':' and a comment at '#'; IDs keep their other characters. */
function safe(text: string): string {
  return text.replace(/[:#;]/g, '_');
}
