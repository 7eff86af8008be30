import { reportSections, summaryLines, type Section } from './sections';
import type { Report } from './types';

/** GitHub-flavoured Markdown: a heading per table, for a pull request, an issue or a wiki page. */
export function renderMarkdown(report: Report): string {
  return [
    '# Cascade report',
    '',
    ...summaryLines(report).map((line) => `- ${escapeCell(line)}`),
    '',
    ...reportSections(report).flatMap((section) => [...markdownTable(section), '']),
  ].join('\n');
}

function markdownTable(section: Section): string[] {
  const lines = [`## ${escapeCell(section.title)}`, ''];
  if (section.rows.length === 0) return [...lines, `_${section.empty}_`];
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  lines.push(
    row(section.columns),
    `| ${section.columns.map((_, i) => (section.numeric.includes(i) ? '---:' : '---')).join(' | ')} |`,
    ...section.rows.map(row),
  );
  if (section.footnote) lines.push('', section.footnote);
  return lines;
}

/** Pipes would split a cell; angle brackets and stars would become markup. */
function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\*/g, '\\*');
}
