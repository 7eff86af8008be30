import { reportSections, summaryLines, type Section } from './sections';
import { escapeXml, renderTimelineSvg } from './svg-timeline';
import type { CascadeSummary, Report } from './types';

/**
 * The whole report as one self-contained HTML file: inline CSS, the timeline of one cascade as inline SVG, the
 * tables. Its Content-Security-Policy allows nothing to be loaded (no script, font, image or style from anywhere),
 * so opening it makes no request, whoever wrote a stack ID.
 */
export function renderHtml(report: Report, cascade: CascadeSummary | undefined): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Cascade report ${escapeXml(report.window.since.slice(0, 10))} to ${escapeXml(report.window.until.slice(0, 10))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>Cascade report</h1>',
    `<ul class="summary">${summaryLines(report)
      .map((line) => `<li>${escapeXml(line)}</li>`)
      .join('')}</ul>`,
    ...(cascade
      ? [
          `<section id="timeline"><h2>Timeline of ${escapeXml(cascade.workflowId)}</h2>`,
          `<figure>${renderTimelineSvg(cascade)}</figure>`,
          '</section>',
        ]
      : []),
    ...reportSections(report).map(htmlTable),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function htmlTable(section: Section): string {
  const head = `<h2>${escapeXml(section.title)}</h2>`;
  if (section.rows.length === 0) return `<section>${head}<p class="empty">${escapeXml(section.empty)}</p></section>`;
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${section.numeric.includes(i) ? ' class="num"' : ''}>${escapeXml(text)}</${tag}>`;
  return [
    `<section>${head}<table>`,
    `<thead><tr>${section.columns.map((c, i) => cell('th', c, i)).join('')}</tr></thead>`,
    `<tbody>${section.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('')}</tbody>`,
    `</table>${section.footnote ? `<p>${escapeXml(section.footnote)}</p>` : ''}</section>`,
  ].join('');
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:2rem;color:#212121;max-width:1100px}',
  'h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}',
  'table{border-collapse:collapse;font-size:.85rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #e0e0e0;text-align:left}',
  'td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}',
  'ul.summary{padding-left:1.2rem}figure{margin:0;overflow-x:auto}.empty{color:#757575}',
].join('');
