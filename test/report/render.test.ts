// The report's renderers against golden files, over the cascades recorded on the time-skipping server: text,
// Markdown and Mermaid exactly; JSON by shape; HTML by structure (self-contained, escaped, one bar per segment).
// UPDATE_GOLDEN=1 rewrites the golden files; review the diff before keeping it.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCascade } from '../../src/report/analyze-cascade';
import { renderHtml } from '../../src/report/render-html';
import { renderMarkdown } from '../../src/report/render-markdown';
import { renderMermaid } from '../../src/report/render-mermaid';
import { renderText } from '../../src/report/render-text';
import type { CascadeSummary, Report } from '../../src/report/types';
import { recordOf, recorded, recordedReport } from './recorded';

const GOLDEN = join(__dirname, 'golden');

function golden(t: tap.Test, name: string, output: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, output);
  t.equal(output, readFileSync(file, 'utf8'), `matches golden/${name}`);
}

t.test('text, Markdown and Mermaid match their golden files', async (t) => {
  const { report, slowest } = await recordedReport();
  golden(t, 'window.txt', `${renderText(report)}\n`);
  golden(t, 'window.md', `${renderMarkdown(report)}\n`);
  golden(t, 'slowest.mermaid.txt', renderMermaid(slowest));
  golden(t, 'cascade-net-RC.mermaid.txt', renderMermaid(analyzeCascade(recordOf('cascade-net-RC'), recorded.recordedAt)));
});

t.test('an empty window says so in every format', async (t) => {
  const { report, slowest } = await recordedReport({}, []);
  t.equal(slowest, undefined);
  t.match(renderText(report), /Slowest cascades\n {2}no cascades in this window/);
  t.match(renderMarkdown(report), /## Slowest cascades\n\n_no cascades in this window_/);
  t.equal(renderMermaid(undefined), 'gantt\n  title no cascade in this window\n');
  t.notMatch(renderHtml(report, undefined), /<svg/);
});

t.test('JSON: the Report object, schemaVersion 1, every figure a number or null', async (t) => {
  const { report } = await recordedReport();
  const parsed = JSON.parse(JSON.stringify(report)) as Report;
  t.equal(parsed.schemaVersion, 1);
  t.same(Object.keys(parsed), [
    'schemaVersion',
    'generatedAt',
    'window',
    'stuckAfterMs',
    'cascades',
    'slowest',
    'stacks',
    'slowestStacks',
    'mostBlocking',
    'stuck',
    'notes',
  ]);
  t.match(parsed.slowest[0], {
    workflowId: String,
    outcome: String,
    durationMs: Number,
    criticalPath: { stacks: Array, durationMs: Number },
  });
  t.match(parsed.stacks[0], {
    id: String,
    triggered: Number,
    successRate: Number,
    runP50: Number,
    runP95: Number,
    blockedOthersMs: Number,
  });
});

/** Every `<tag …>` of the document, in order: enough to check the structure without a DOM library. */
const tags = (html: string, name: string) => [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => m[0]);

t.test('HTML: one self-contained page: the timeline as inline SVG, a bar per segment, then the tables', async (t) => {
  const { report, slowest } = await recordedReport();
  const focus = analyzeCascade(recordOf('cascade-vpc-RA'), recorded.recordedAt);
  const html = renderHtml(report, focus);
  t.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  t.match(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/,
    'the page may load nothing',
  );
  t.same(tags(html, 'script'), [], 'no script');
  t.same(tags(html, 'link'), [], 'no stylesheet or icon to fetch');
  t.same(tags(html, 'img'), [], 'no image');
  const urls = [...html.matchAll(/(?:src|href)\s*=|url\(|https?:\/\/[^"\s]*/g)].map((m) => m[0]);
  t.same(urls, ['http://www.w3.org/2000/svg'], 'the only URL is the SVG namespace, which is never fetched');
  t.equal(tags(html, 'svg').length, 1);
  const segments = focus.stacks.reduce((n, s) => n + s.segments.length, 0);
  t.equal(tags(html, 'rect').filter((r) => r.includes('class="segment ')).length, segments, `${segments} bars, one per segment`);
  t.equal(
    tags(html, 'rect').filter((r) => r.includes('stroke="#c62828"')).length,
    3,
    'the runs of rds, app and cdn (the critical path) are outlined',
  );
  t.equal(tags(html, 'h2').length, 1 + 6, 'the timeline, then six sections');
  t.equal(tags(html, 'table').length, 6, 'each section has rows here (a stuck cascade included)');
  t.match(html, /<h2>Stacks of cascade-vpc-RD \(running, 7h 22m; \* on the critical path\)<\/h2>/, 'the stacks of the slowest cascade');
  t.equal(slowest?.workflowId, 'cascade-vpc-RD');
});

t.test('HTML: stack IDs and reasons are escaped everywhere', async (t) => {
  const focus: CascadeSummary = { ...analyzeCascade(recordOf('cascade-vpc-RA'), recorded.recordedAt) };
  focus.stacks = focus.stacks.map((s) => (s.id === 'eks' ? { ...s, id: '<img src=x onerror=alert(1)>' } : s));
  const { report } = await recordedReport();
  const html = renderHtml({ ...report, notes: ['a <b>note</b> & more'] }, focus);
  t.notMatch(html, /<img/);
  t.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  t.match(html, /a &lt;b&gt;note&lt;\/b&gt; &amp; more/);
});
