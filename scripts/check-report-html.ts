/**
 * Opens the report's HTML in a real headless browser (Debian's chromium) and checks what it renders: the DOM after
 * parsing (one SVG timeline with a bar per segment, the tables), a screenshot that is not blank, and Chrome's own
 * network log: the page must add no request to those the browser makes on its own (measured on an empty page; a
 * control page with one external image shows the check would see one). Not part of `npm test` (it needs chromium: `apt-get install -y
 * chromium`); run it as
 *
 *   npx tsx scripts/check-report-html.ts [path/to/chromium]
 *
 * It renders the cascades recorded in test/report/fixtures/cascades.json, exits 0 and prints what it checked, or
 * exits 1 with the first failed check.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCascade } from '../src/report/analyze-cascade';
import { buildReport } from '../src/report/build-report';
import { renderHtml } from '../src/report/render-html';
import type { CascadeRecord } from '../src/report/types';

const chromium = process.argv[2] ?? 'chromium';
const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
const browserFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  `--user-data-dir=${join(dir, 'profile')}`,
  '--window-size=1200,1400',
];

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

/** The hosts of every http(s) URL in Chrome's net log while it loads `file` (and its background services run). */
function requestedHosts(file: string): string[] {
  const netLog = join(dir, `netlog-${Math.random().toString(36).slice(2)}.json`);
  execFileSync(chromium, [...browserFlags, `--log-net-log=${netLog}`, '--dump-dom', `file://${file}`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  const urls = [...readFileSync(netLog, 'utf8').matchAll(/"url":"(https?:\/\/[^"/]+)/g)].map((m) => new URL(m[1]).hostname);
  return [...new Set(urls)];
}

async function main(): Promise<void> {
  const { recordedAt, records } = JSON.parse(
    readFileSync(join(__dirname, '..', 'test', 'report', 'fixtures', 'cascades.json'), 'utf8'),
  ) as { recordedAt: number; records: CascadeRecord[] };
  // eslint-disable-next-line @typescript-eslint/require-await -- buildReport() reads an AsyncIterable
  async function* each() {
    yield* records;
  }
  const { report } = await buildReport(each(), {
    since: recordedAt - 7 * 86_400_000,
    until: recordedAt,
    stuckAfterMs: 6 * 3_600_000,
    top: 10,
    stuckLimit: 50,
  });
  const focus = analyzeCascade(records.find((r) => r.workflowId === 'cascade-vpc-RA') as CascadeRecord, recordedAt);
  const page = join(dir, 'report.html');
  writeFileSync(page, renderHtml(report, focus));
  const url = `file://${page}`;

  const dom = execFileSync(chromium, [...browserFlags, '--dump-dom', url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  const segments = focus.stacks.reduce((n, s) => n + s.segments.length, 0);
  check((dom.match(/<svg\b/g) ?? []).length === 1, 'the browser parsed one inline SVG timeline');
  check((dom.match(/<rect class="segment /g) ?? []).length === segments, `${segments} timeline bars, one per segment`);
  check((dom.match(/<table>/g) ?? []).length === 6, 'six tables');
  check(/<title>Cascade report /.test(dom), 'the page title');

  const empty = join(dir, 'empty.html');
  writeFileSync(empty, '<!DOCTYPE html><title>empty</title>');
  const control = join(dir, 'control.html');
  writeFileSync(
    control,
    readFileSync(page, 'utf8')
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('<body>', '<body><img src="http://report-check.invalid/pixel.png">'),
  );
  const browserOwn = new Set(requestedHosts(empty));
  check(
    requestedHosts(control).includes('report-check.invalid'),
    'the net log shows a request a page makes (control page with an external image)',
  );
  const extra = requestedHosts(page).filter((host) => !browserOwn.has(host));
  check(extra.length === 0, `the report page requests nothing (hosts beyond the browser's own: ${extra.join(', ') || 'none'})`);

  const shot = join(dir, 'report.png');
  execFileSync(chromium, [...browserFlags, `--screenshot=${shot}`, url], { stdio: 'ignore', timeout: 60_000 });
  check(statSync(shot).size > 20_000, `a screenshot that is not blank (${statSync(shot).size} bytes, ${shot})`);
  console.log(`all checks passed (${execFileSync(chromium, ['--version'], { encoding: 'utf8' }).trim()})`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
