import { formatDuration, formatTime } from './format';
import { SPLIT_KEYS, type CascadeSummary, type SplitKey } from './types';

export const SEGMENT_COLOURS: Record<SplitKey, string> = {
  parents: '#c8ccd2',
  approval: '#f2b84b',
  slot: '#b39ddb',
  window: '#90a4ae',
  triggering: '#80deea',
  queued: '#64b5f6',
  running: '#43a047',
  retry: '#e57373',
};
const CRITICAL_OUTLINE = '#c62828';

const LABEL_WIDTH = 180;
const CHART_WIDTH = 760;
const ROW = 22;
const BAR = 14;
const AXIS = 28;
const LEGEND = 26;
const TICKS = 6;

/**
 * One cascade's timeline as inline SVG: a row per stack (in the order they started), a bar per part of its time,
 * the stacks of the critical path outlined in red, a time axis and a legend. Every bar has a <title>, which
 * browsers show on hover: no script.
 */
export function renderTimelineSvg(cascade: CascadeSummary): string {
  const stacks = [...cascade.stacks].sort((a, b) => a.startedAt - b.startedAt || a.wave - b.wave || (a.id < b.id ? -1 : 1));
  const start = cascade.startedAt;
  const end = Math.max(start + 1, cascade.endedAt ?? 0, ...stacks.flatMap((s) => s.segments.map((g) => g.to)));
  const x = (t: number) => LABEL_WIDTH + ((t - start) / (end - start)) * CHART_WIDTH;
  const onPath = new Set(cascade.criticalPath.stacks);
  const height = AXIS + stacks.length * ROW + LEGEND;
  const parts: string[] = [];
  for (let i = 0; i <= TICKS; i++) {
    const t = start + ((end - start) * i) / TICKS;
    const px = x(t).toFixed(1);
    parts.push(`<line class="tick" x1="${px}" y1="${AXIS - 6}" x2="${px}" y2="${AXIS + stacks.length * ROW}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${px}" y="${AXIS - 10}" text-anchor="middle" font-size="10">+${formatDuration(t - start)}</text>`);
  }
  stacks.forEach((stack, row) => {
    const y = AXIS + row * ROW;
    const critical = onPath.has(stack.id);
    parts.push(
      `<text x="${LABEL_WIDTH - 6}" y="${y + BAR}" text-anchor="end" font-size="11"${critical ? ' font-weight="bold"' : ''}>${escapeXml(stack.id)}</text>`,
    );
    for (const segment of stack.segments) {
      const width = Math.max(1, x(segment.to) - x(segment.from));
      const stroke = critical && segment.kind === 'running' ? ` stroke="${CRITICAL_OUTLINE}" stroke-width="2"` : '';
      const tip = `${stack.id}: ${segment.kind} ${formatDuration(segment.to - segment.from)}, from ${formatTime(segment.from)}`;
      parts.push(
        `<rect class="segment ${segment.kind}" data-stack="${escapeXml(stack.id)}" x="${x(segment.from).toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${BAR}" fill="${SEGMENT_COLOURS[segment.kind]}"${stroke}><title>${escapeXml(tip)}</title></rect>`,
      );
    }
  });
  const legendY = AXIS + stacks.length * ROW + 8;
  SPLIT_KEYS.forEach((kind, i) => {
    const lx = LABEL_WIDTH + i * 105;
    parts.push(
      `<rect class="legend" x="${lx}" y="${legendY}" width="10" height="10" fill="${SEGMENT_COLOURS[kind]}"/><text x="${lx + 14}" y="${legendY + 9}" font-size="10">${kind}</text>`,
    );
  });
  const label = `Timeline of ${cascade.workflowId}: ${stacks.length} stacks over ${formatDuration(end - start)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(label)}" width="${LABEL_WIDTH + CHART_WIDTH + 20}" height="${height}" viewBox="0 0 ${LABEL_WIDTH + CHART_WIDTH + 20} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(label)}</title>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
