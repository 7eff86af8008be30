/**
 * `spacelift-cascade report` over large windows: memory must not follow the number of cascades. Feeds N synthetic
 * cascades (copies of the recorded diamond, 4 stacks each, every one a distinct workflow ID and duration) through
 * buildReport, as the Temporal listing would: once timed, once with a forced GC every 5,000 cascades to read the
 * live heap as it goes (its peak above the heap before the run).
 *
 *   node --expose-gc --import tsx bench/report.ts        (writes the "report" section of docs/benchmarks.md)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../src/report/build-report';
import type { CascadeRecord } from '../src/report/types';
import { machine, table, today, writeSection } from './support/report';

const SIZES = [10_000, 50_000, 200_000];
const { recordedAt, records } = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'report', 'fixtures', 'cascades.json'), 'utf8')) as {
  recordedAt: number;
  records: CascadeRecord[];
};
const template = records.find((r) => r.workflowId === 'cascade-vpc-RA') as CascadeRecord;

const SAMPLE_EVERY = 5_000;

// eslint-disable-next-line @typescript-eslint/require-await -- buildReport() reads an AsyncIterable, as from Temporal
async function* cascades(count: number, sample?: (heap: number) => void): AsyncGenerator<CascadeRecord> {
  for (let i = 0; i < count; i++) {
    if (sample && i % SAMPLE_EVERY === SAMPLE_EVERY - 1) {
      gc?.();
      sample(process.memoryUsage().heapUsed);
    }
    // A fresh object per cascade, as each status read from Temporal would be.
    yield { ...structuredClone(template), workflowId: `cascade-vpc-R${i}`, closedAt: (template.closedAt ?? 0) + (i % 5000) * 1000 };
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const OPTIONS = { since: 0, until: recordedAt, stuckAfterMs: 6 * 3_600_000, top: 10, stuckLimit: 50 };

async function measure(count: number): Promise<{ heapMb: number; seconds: number; perCascadeUs: number }> {
  const started = process.hrtime.bigint();
  const { report } = await buildReport(cascades(count), OPTIONS);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (report.cascades.total !== count) throw new Error(`counted ${report.cascades.total} of ${count}`);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  await buildReport(
    cascades(count, (heap) => (peak = Math.max(peak, heap))),
    OPTIONS,
  );
  return { heapMb: (peak - before) / 1e6, seconds, perCascadeUs: (seconds * 1e6) / count };
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const size of SIZES) {
    const { heapMb, seconds, perCascadeUs } = await measure(size);
    rows.push([size.toLocaleString('en-US'), `${heapMb.toFixed(2)} MB`, `${seconds.toFixed(2)} s`, `${perCascadeUs.toFixed(0)} µs`]);
    console.log(rows[rows.length - 1]?.join('  '));
  }
  writeSection(
    'report',
    [
      '## Report',
      '',
      `\`spacelift-cascade report\` aggregates one cascade at a time (src/report/aggregate.ts). For N cascades of 4 stacks`,
      '(copies of the recorded diamond, test/report/fixtures/cascades.json; the Temporal reads left out): the peak of the',
      'live heap during the run above the heap before it (a forced GC every 5,000 cascades, then a reading), and the time',
      'to analyse and aggregate them (a separate run without the forced GCs). Flat memory means it does not grow with N.',
      `Measured on ${machine()}, ${today()}. Command:`,
      '',
      '```sh',
      'node --expose-gc --import tsx bench/report.ts',
      '```',
      '',
      table(['cascades', 'live heap, peak growth', 'time', 'per cascade'], rows),
      '',
    ].join('\n'),
  );
}

void main();
