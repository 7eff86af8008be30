/**
 * Ingest: signed webhooks per second and latency through the real listener, `node dist/cli/main.js serve` as a child
 * process on the Temporal dev server, with autocannon at 1 and 50 connections:
 *   - distinct: every request a new run ID, not triggered by a cascade: one Temporal call, the cascade's start
 *   - duplicate: one body over and over (its cascade exists): one Temporal call, a start refused as a duplicate
 *   - bad signature (serve, 50 connections): answered 401 before any Temporal call, the listener's own ceiling
 * Beside it, the same with `webhook` (listener only, no worker competing for the CPU). Every distinct row is read
 * against the dev server's own workflow-start ceiling at the same concurrency (a Temporal client starting workflows
 * with 1 or 50 concurrent callers), measured just before and just after the row, because the dev server slows down
 * as its in-memory database fills.
 *
 *   npm run bench:ingest [-- --seconds 10 --no-write]      (builds first: npm run build)
 *
 * The upstream stack of the webhooks has no dependents, so each cascade plans (one searchStacks page) and ends.
 */
import autocannon from 'autocannon';
import type { Client } from '@temporalio/client';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signPayload } from '../src/webhook/verify-signature';
import { CASCADE_WORKFLOW_TYPE } from '../src/workflows/cascade-types';
import { startFakeSpacelift } from '../test/support/fake-spacelift';
import { createDevEnv } from '../test/support/temporal';
import { describeDelta, outcomes, settledOutcomes, startListenerProcess, type Listener } from './support/listener-process';
import { childPids, cpuMeter, loadNote, machineMeter, waitForQuietMachine } from './support/processes';
import { REPO, machine, ms, percentile, sleep, table, today, writeSection } from './support/report';

const COMMAND = 'npm run bench:ingest';
const SECRET = 'bench-ingest-webhook-secret';
const STACK = 'bench-src';
const ENTRY = join(REPO, 'dist', 'cli', 'main.js');
const CONNECTIONS = [1, 50];
const DRAIN_CAP_MS = 180_000;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);

const template = JSON.parse(readFileSync(join(REPO, 'fixtures', 'webhooks', 'run-finished-tracked.json'), 'utf8')) as {
  run: { id: string };
  stack: { id: string; labels: string[] };
};
template.stack = { ...template.stack, id: STACK, labels: ['team:bench'] };

function body(runId: string): string {
  return JSON.stringify({ ...template, run: { ...template.run, id: runId } });
}

interface Row {
  target: string;
  kind: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  answers: string;
  cpu: Record<string, number>;
}

let runCounter = 0;

type Kind = 'distinct' | 'duplicate' | 'bad signature';

async function load(
  listener: Listener,
  kind: Kind,
  connections: number,
  seconds: number,
  pids: Record<string, number | undefined>,
): Promise<Row> {
  const duplicateBody = body('bench-duplicate-run');
  const duplicateHeaders = { 'content-type': 'application/json', 'x-signature-256': signPayload(duplicateBody, SECRET) };
  const before = await outcomes(listener.port);
  const meter = cpuMeter(pids);
  const phase = `${listener.command[0]}${connections}`;
  const result = await autocannon({
    url: `http://127.0.0.1:${listener.port}`,
    connections,
    duration: seconds,
    timeout: 15,
    requests: [
      kind === 'duplicate'
        ? { method: 'POST', path: '/webhooks/spacelift', headers: duplicateHeaders, body: duplicateBody }
        : kind === 'bad signature'
          ? {
              method: 'POST',
              path: '/webhooks/spacelift',
              headers: { ...duplicateHeaders, 'x-signature-256': signPayload(duplicateBody, 'wrong') },
              body: duplicateBody,
            }
          : {
              method: 'POST',
              path: '/webhooks/spacelift',
              setupRequest: (request) => {
                const text = body(`ingest-${phase}-${process.pid}-${++runCounter}`);
                return {
                  ...request,
                  body: text,
                  headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(text, SECRET) },
                };
              },
            },
    ],
  });
  const cpu = meter.stop();
  const after = await settledOutcomes(listener.port);
  const answered = result['2xx'] + result.non2xx;
  const statuses = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}: ${count}`)
    .join(', ');
  const answers = `${describeDelta(before, after)}${result.errors ? `; ${result.errors} errors (${result.timeouts} timeouts)` : ''} [HTTP ${statuses}]`;
  const row: Row = {
    target: listener.command,
    kind,
    connections,
    rps: answered / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    answers,
    cpu,
  };
  console.log(
    `ingest ${row.target} ${kind} c=${connections}: ${row.rps.toFixed(0)}/s p50 ${row.p50} ms p99 ${row.p99} ms max ${row.max} ms; ${answers}; cpu ${JSON.stringify(cpu)}`,
  );
  return row;
}

/** Waits until the cascades a phase started have ended, so the next phase does not pay for them. */
async function drain(client: Client, taskQueue: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < DRAIN_CAP_MS) {
    const { count } = await client.workflow.count(`TaskQueue="${taskQueue}" AND ExecutionStatus="Running"`);
    if (count === 0) return Date.now() - started;
    await sleep(500);
  }
  console.warn(`ingest: workflows still running on ${taskQueue} after ${DRAIN_CAP_MS} ms; continuing`);
  return Date.now() - started;
}

interface StartRow {
  when: string;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpu: Record<string, number>;
}

/** The dev server's own ceiling: `concurrency` callers starting workflows (no worker polls their queue). */
async function startCeiling(
  client: Client,
  when: string,
  concurrency: number,
  seconds: number,
  pids: Record<string, number | undefined>,
): Promise<StartRow> {
  const latencies: number[] = [];
  let errors = 0;
  const queue = `bench-start-ceiling-${process.pid}`;
  const meter = cpuMeter(pids);
  const started = performance.now();
  const end = started + seconds * 1000;
  let n = 0;
  const caller = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await client.workflow.start(CASCADE_WORKFLOW_TYPE, {
          taskQueue: queue,
          workflowId: `ceiling-${when}-${concurrency}-${process.pid}-${++n}`,
          args: [{ stack_id: STACK }],
        });
        latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const wall = (performance.now() - started) / 1000;
  const row = {
    when,
    concurrency,
    rps: latencies.length / wall,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    cpu: meter.stop(),
  };
  console.log(
    `ingest start ceiling (${when}) c=${concurrency}: ${row.rps.toFixed(0)}/s p50 ${row.p50.toFixed(1)} ms p99 ${row.p99.toFixed(1)} ms, ${errors} errors; cpu ${JSON.stringify(row.cpu)}`,
  );
  return row;
}

async function main(): Promise<void> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`);
  const logDir = mkdtempSync(join(tmpdir(), 'spacelift-cascade-ingest-'));
  await waitForQuietMachine(15 * 60_000);
  const machineLoad = machineMeter();
  const env = await createDevEnv();
  const devServer = childPids('temporal')[0];
  const fake = await startFakeSpacelift({
    stacks: [
      { id: STACK, labels: ['team:bench'] },
      { id: 'unrelated', labels: ['dependsOn:elsewhere'] },
    ],
  });
  const rows: Row[] = [];
  const starts: StartRow[] = [];
  try {
    for (const command of ['serve', 'webhook'] as const) {
      const listener = await startListenerProcess(command, { temporal: env.address, fake, secret: SECRET, logDir });
      const pids = { [command]: listener.child.pid, devServer };
      try {
        // Warm-up, not counted: JIT, connection pools; it also starts the cascade the duplicate phase repeats.
        await load(listener, 'duplicate', 1, 1, pids);
        await load(listener, 'distinct', 10, 3, pids);
        if (command === 'serve') await drain(env.client, listener.taskQueue);
        for (const c of CONNECTIONS) {
          // Other users' work on the machine comes in bursts: wait (up to 3 min) for a quiet moment before each row.
          await waitForQuietMachine(180_000);
          // The raw start ceiling just before and just after: the row is read against their mean.
          starts.push(await startCeiling(env.client, `before ${command}`, c, SECONDS, { devServer }));
          rows.push(await load(listener, 'distinct', c, SECONDS, pids));
          starts.push(await startCeiling(env.client, `after ${command}`, c, SECONDS, { devServer }));
          if (command === 'serve') console.log(`ingest: drained in ${ms(await drain(env.client, listener.taskQueue))}`);
          rows.push(await load(listener, 'duplicate', c, SECONDS, pids));
        }
        // The listener alone: a wrong signature is answered 401 before any Temporal call.
        if (command === 'serve') rows.push(await load(listener, 'bad signature', 50, SECONDS, pids));
      } finally {
        await listener.stop();
      }
    }
  } finally {
    await fake.close();
    await env.teardown();
  }
  const markdown = render(rows, starts, loadNote(machineLoad.stop()));
  console.log(markdown);
  if (!args['no-write']) writeSection('ingest', markdown);
  rmSync(logDir, { recursive: true, force: true });
}

const pct = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value)} %`);

/** Goal of issue 14: distinct webhooks/s at least this share of the dev server's raw start rate. */
const START_SHARE_GOAL = 0.9;

function render(rows: Row[], starts: StartRow[], loadSentence: string): string {
  const rawRate = (target: string, connections: number): number => {
    const beside = starts.filter((s) => s.concurrency === connections && s.when.endsWith(` ${target}`));
    return beside.length === 0 ? Number.NaN : beside.reduce((sum, s) => sum + s.rps, 0) / beside.length;
  };
  const shareOf = (r: Row) => (r.kind === 'distinct' ? r.rps / rawRate(r.target, r.connections) : Number.NaN);
  const ingestRows = rows.map((r) => [
    `\`${r.target}\``,
    r.kind,
    String(r.connections),
    `**${Math.round(r.rps).toLocaleString('en-US')}**`,
    r.kind === 'distinct' ? `**${pct(shareOf(r) * 100)}** of ${Math.round(rawRate(r.target, r.connections))}` : '',
    `${r.p50} ms`,
    `${r.p99} ms`,
    `${r.max} ms`,
    pct(r.cpu[r.target]),
    pct(r.cpu.devServer),
    pct(r.cpu.bench),
    r.answers,
  ]);
  const startRows = starts.map((s) => [
    s.when,
    String(s.concurrency),
    `**${Math.round(s.rps).toLocaleString('en-US')}**`,
    `${s.p50.toFixed(1)} ms`,
    `${s.p99.toFixed(1)} ms`,
    String(s.errors),
    pct(s.cpu.devServer),
    pct(s.cpu.bench),
  ]);
  const distinct = (target: string, connections: number) =>
    rows.find((r) => r.target === target && r.kind === 'distinct' && r.connections === connections);
  const goals = CONNECTIONS.map((c) => {
    const row = distinct('webhook', c);
    if (!row) return `- \`webhook\` at ${c} connection(s): not measured.`;
    const share = shareOf(row);
    return `- \`webhook\`, distinct webhooks at ${c} connection(s) ≥ ${pct(START_SHARE_GOAL * 100)} of the raw start rate: **${share >= START_SHARE_GOAL ? 'met' : 'not met'}** (${Math.round(row.rps)}/s against ${Math.round(rawRate('webhook', c))}/s: ${pct(share * 100)}).`;
  });
  const unsigned = rows.find((r) => r.kind === 'bad signature');
  return `## Ingest

Signed webhooks through \`node dist/cli/main.js serve\` (listener + worker in one process, run as a child) and
\`webhook\` (the listener alone, given the worker's \`SPACELIFT_API_KEY_ID\`) on the Temporal CLI dev server (v1.5.1,
server 1.29.1, in-memory SQLite), load from autocannon 9.0.0 for ${SECONDS} s per row, measured on
${machine()}, ${today()}. Everything — load generator, fake Spacelift, the listener and the dev server — shares the
machine's 2 cores. Command (from the repository root): \`${COMMAND}\` (= \`npm run build && tsx bench/ingest.ts\`).
${loadSentence}

**Goals (issue 14), against the dev server's raw start rate at the same concurrency, measured in the same run just
before and just after each row (their mean):**

${goals.join('\n')}

Each **distinct** request carries a new run ID of a run no cascade triggered, so the listener verifies the HMAC,
validates the payload, sees from \`triggeredBy\` that no monitor can watch it and makes **one Temporal call**: the
start of \`cascade-${STACK}-<runId>\`. In \`serve\` the worker in the same process then runs that cascade (one
\`searchStacks\` page, no dependents). **Duplicate** requests repeat one body whose cascade exists: one call, a start
the server refuses. **Bad signature** requests are answered 401 before any Temporal call: the listener's own ceiling
here. Between rows the cascades of the previous row are drained, so each row pays only for its own. CPU is per
process, as % of one core (200 % = both cores).

${table(['command', 'requests', 'connections', 'webhooks/s', 'share of raw starts/s', 'p50', 'p99', 'max', 'its process CPU', 'dev server CPU', 'load gen + fake CPU', 'answers (outcome counter delta) [HTTP statuses]'], ingestRows)}

The dev server's own workflow-start ceiling: a Temporal client in the benchmark process starting workflows (on a
task queue no worker polls) for ${SECONDS} s, just before and just after each distinct row:

${table(['when', 'concurrent starts', 'starts/s', 'p50', 'p99', 'errors', 'dev server CPU', 'client CPU'], startRows)}

Reading the figures:
- A webhook costs one Temporal call. A run a cascade triggered (its \`triggeredBy\` names the worker's key) is
  signalled to its monitor; any other run is started. Only a listener that does not know the key (a \`webhook\`
  without \`SPACELIFT_API_KEY_ID\`) asks Temporal first whether a monitor watches the run (a describe: two calls).
- In \`serve\` every accepted webhook also runs its cascade (workflow tasks, the \`planCascade\` activity, completion),
  each step persisted by the same dev server: that, not the listener, is why its distinct rows are slower than the
  \`webhook\` rows and than the raw start rate.
- The raw start rate falls as the dev server's in-memory database fills, which is why each row is compared with the
  starts measured right beside it.
- At 50 connections the requests queue at the dev server (one SQLite database): p99 is that queueing delay, not the
  listener's work; compare the 401 row (${Math.round(unsigned?.rps ?? 0).toLocaleString('en-US')}/s at p99 ${unsigned?.p99 ?? '—'} ms).
- autocannon counts answers until its deadline; requests in flight then (at most one per connection) are answered
  and counted by the listener's outcome counter afterwards, hence the small differences between the two counts.
- A production Temporal cluster (its own machines, a real database) has a different ceiling; these figures bound
  the listener on this 2-core machine, not Temporal.`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench/ingest failed:', err);
    process.exit(1);
  },
);
