import { reportSections, summaryLines, type Section } from './sections';
import type { Report } from './types';

/** Aligned plain-text tables, for a terminal. */
export function renderText(report: Report): string {
  return [...summaryLines(report), '', ...reportSections(report).flatMap((section) => [...textTable(section), ''])].join('\n');
}

export function textTable(section: Section): string[] {
  const lines = [section.title];
  if (section.rows.length === 0) return [...lines, `  ${section.empty}`];
  const widths = section.columns.map((name, i) => Math.max(name.length, ...section.rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, i) => (section.numeric.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  lines.push(line(section.columns), line(widths.map((w) => '-'.repeat(w))), ...section.rows.map(line));
  if (section.footnote) lines.push(`  ${section.footnote}`);
  return lines;
}
