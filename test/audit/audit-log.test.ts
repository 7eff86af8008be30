// The audit log: JSON lines in a fixed key order, size rotation to path.1 … path.<keep>, serialized appends.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditRecord } from '../../src/audit/audit-log';

const record = (n: number): AuditRecord => ({
  at: `2026-01-05T10:00:${String(n).padStart(2, '0')}.000Z`,
  cascadeId: 'cascade-vpc-R1',
  root: 'vpc',
  stackId: `stack-${String(n).padStart(2, '0')}`,
  decision: 'triggered',
  runId: `RUN${String(n).padStart(4, '0')}`,
});
const lineOf = (n: number) => JSON.stringify(record(n));
const LINE_BYTES = Buffer.byteLength(lineOf(1)) + 1;

t.test('one JSON line per record, keys in a fixed order, optional ones only when present', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const log = createAuditLog({ path: join(dir, 'nested', 'audit.jsonl'), maxBytes: 1_000_000, keep: 2 });
  await log.append([
    { runId: 'R9', by: 'jane', reason: 'ok', decision: 'approved', stackId: 'app', root: 'vpc', cascadeId: 'c', at: 'T', rootRunId: 'R1' },
  ]);
  await log.append([]);
  t.equal(
    readFileSync(log.path, 'utf8'),
    '{"at":"T","cascadeId":"c","root":"vpc","rootRunId":"R1","stackId":"app","decision":"approved","reason":"ok","by":"jane","runId":"R9"}\n',
  );
  t.equal(statSync(log.path).mode & 0o777, 0o640);
});

t.test('rotation by size keeps exactly `keep` older files, newest in path.1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.jsonl');
  // Room for three lines per file.
  const log = createAuditLog({ path, maxBytes: 3 * LINE_BYTES, keep: 2 });
  for (let n = 1; n <= 10; n++) await log.append([record(n)]);
  // Lines 1-3 → (rotated away), 4-6 → path.2, 7-9 → path.1, 10 → path.
  t.equal(readFileSync(path, 'utf8'), `${lineOf(10)}\n`);
  t.equal(readFileSync(`${path}.1`, 'utf8'), [7, 8, 9].map((n) => `${lineOf(n)}\n`).join(''));
  t.equal(readFileSync(`${path}.2`, 'utf8'), [4, 5, 6].map((n) => `${lineOf(n)}\n`).join(''));
  t.notOk(existsSync(`${path}.3`), 'the oldest file fell off');
  for (const file of [path, `${path}.1`, `${path}.2`]) t.ok(statSync(file).size <= 3 * LINE_BYTES, `${file} within AUDIT_LOG_MAX_BYTES`);
});

t.test('a batch is never split; a batch larger than the limit fills a file alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.jsonl');
  const log = createAuditLog({ path, maxBytes: 2 * LINE_BYTES, keep: 5 });
  await log.append([record(1)]);
  await log.append([record(2), record(3), record(4)]);
  await log.append([record(5)]);
  t.equal(readFileSync(`${path}.2`, 'utf8'), `${lineOf(1)}\n`);
  t.equal(readFileSync(`${path}.1`, 'utf8'), [2, 3, 4].map((n) => `${lineOf(n)}\n`).join(''));
  t.equal(readFileSync(path, 'utf8'), `${lineOf(5)}\n`);
});

t.test('concurrent appends are serialized: no interleaving, no lost rotation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.jsonl');
  const log = createAuditLog({ path, maxBytes: 4 * LINE_BYTES, keep: 10 });
  await Promise.all(Array.from({ length: 12 }, (_, i) => log.append([record(2 * i + 1), record(2 * i + 2)])));
  const files = [`${path}.5`, `${path}.4`, `${path}.3`, `${path}.2`, `${path}.1`, path];
  const all = files.map((f) => readFileSync(f, 'utf8')).join('');
  t.equal(all, Array.from({ length: 24 }, (_, i) => `${lineOf(i + 1)}\n`).join(''), 'every line once, in order');
  t.notOk(existsSync(`${path}.6`));
});

t.test('a failed write rejects that append only; later appends go on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.jsonl');
  const log = createAuditLog({ path, maxBytes: 1_000_000, keep: 1 });
  mkdirSync(path);
  await t.rejects(log.append([record(1)]), { code: 'EISDIR' });
  rmdirSync(path);
  await log.append([record(2)]);
  t.equal(readFileSync(path, 'utf8'), `${lineOf(2)}\n`);
});
