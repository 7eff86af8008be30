#!/usr/bin/env node
// What OpenTelemetry tracing costs the single binary, off (the default) and on, and writes the "Tracing" section
// of docs/benchmarks.md.
//
//   npm run build:binary && node --import tsx bench/tracing.mjs [--runs 5] [--deliveries 40] [--baseline <binary>] [--no-write]
//
// For each variant, `serve` (warm asset cache) against a local Temporal dev server and the fake Spacelift:
// - start: spawn until GET /readyz answers 200, then resident memory after 3 s idle; median of --runs starts;
// - load: --deliveries signed webhooks for distinct runs (CASCADE_MODE=direct: one chain workflow, a lookup and
//   two triggers each, so every delivery ends without waiting for runs), timed until every chain has completed;
//   the serve process's CPU time (utime + stime from /proc) over the load, per delivery; RSS after it.
// "on" exports to a local OTLP/HTTP sink that answers 200 at once, so the figures are the process's own cost.
// --baseline measures another binary the same way (e.g. one built from the commit before metrics and tracing changed).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(root, 'dist', 'spacelift-cascade');
const { writeSection } = require('./support/report.ts');
const COMMAND = 'npm run build:binary && node --import tsx bench/tracing.mjs';
const SECRET = 'bench-webhook-secret';
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x64

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    deliveries: { type: 'string', default: '40' },
    baseline: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const loadAtStart = loadavg()[0];
const deliveries = Number(args.deliveries);
let runNumber = 0;

const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { startFakeSpacelift } = require('../test/support/fake-spacelift.ts');

statSync(BINARY);
const work = mkdtempSync(join(tmpdir(), 'spacelift-cascade-bench-tracing-'));
const temporal = await TestWorkflowEnvironment.createLocal({ server: { executable: devServer() } });
const fake = await startFakeSpacelift({
  stacks: [{ id: 'net' }, { id: 'app', labels: ['dependsOn:net'] }, { id: 'db', labels: ['dependsOn:net'] }],
});
const sink = await startSink();
try {
  const variants = [
    { label: 'tracing off (default)', executable: BINARY, env: {} },
    { label: 'tracing on, OTLP/HTTP to a local collector', executable: BINARY, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } },
    ...(args.baseline ? [{ label: `--baseline ${args.baseline.split('/').at(-1)}`, executable: args.baseline, env: {} }] : []),
  ];
  const rows = [];
  for (const variant of variants) rows.push(await measure(variant));
  const section = render(rows);
  console.log(section);
  if (!args['no-write']) writeSection('tracing', section);
} finally {
  sink.server.close();
  await fake.close();
  await temporal.teardown();
  rmSync(work, { recursive: true, force: true });
}

async function measure(variant) {
  const cacheDir = join(work, 'cache');
  const ready = [];
  const rss = [];
  await withServe(variant, cacheDir, 'prime', async () => undefined); // fills the asset cache
  for (let i = 0; i < runs; i++) {
    await withServe(variant, cacheDir, `start-${i}`, async ({ readyMs, rssMb }) => {
      ready.push(readyMs);
      rss.push(rssMb);
    });
  }
  const row = { label: variant.label, readyMs: median(ready), readyRange: [Math.min(...ready), Math.max(...ready)], rssMb: median(rss) };
  {
    const spansBefore = sink.spanBytes;
    await withServe(variant, cacheDir, 'load', async ({ pid, port, taskQueue }) => {
      const cpuBefore = cpuMs(pid);
      const started = performance.now();
      await Promise.all(Array.from({ length: deliveries }, () => deliverAndWait(port)));
      row.loadMs = Math.round(performance.now() - started);
      row.cpuPerDeliveryMs = +((cpuMs(pid) - cpuBefore) / deliveries).toFixed(1);
      row.loadRssMb = rssOf(pid);
      row.taskQueue = taskQueue;
    });
    row.exportedKb = Math.round((sink.spanBytes - spansBefore) / 1024);
  }
  console.error(`bench/tracing: ${JSON.stringify(row)}`);
  return row;
}

/** Starts serve, waits for /readyz, measures idle RSS after 3 s, runs `fn`, then SIGTERM (so the last spans export). */
async function withServe(variant, cacheDir, tag, fn) {
  const port = await freePort();
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  const taskQueue = `bench-tracing-${process.pid}-${tag}-${variant.label.replace(/\W+/g, '-')}`;
  const env = {
    PATH: join(work, 'no-bin'),
    HOME: home,
    SPACELIFT_CASCADE_CACHE_DIR: cacheDir,
    TEMPORAL_URL: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SPACELIFT_API_ENDPOINT: fake.url,
    SPACELIFT_API_KEY_ID: fake.apiKeyId,
    SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
    SPACELIFT_WEBHOOK_SECRET: SECRET,
    SPACELIFT_TRIGGER_RATE: '0',
    CASCADE_MODE: 'direct',
    WEBHOOK_HOST: '127.0.0.1',
    WEBHOOK_PORT: String(port),
    SHUTDOWN_GRACE_MS: '5000',
    LOG_LEVEL: 'warn',
    ...variant.env,
  };
  const started = performance.now();
  const child = spawn(variant.executable, ['serve'], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`serve exited before it was ready:\n${stderr}`);
      if (performance.now() - started > 60_000) throw new Error(`serve not ready within 60 s:\n${stderr}`);
      if (await isReady(port)) break;
      await sleep(5);
    }
    const readyMs = Math.round(performance.now() - started);
    await sleep(3_000);
    await fn({ readyMs, rssMb: rssOf(child.pid), pid: child.pid, port, taskQueue });
  } finally {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    }
  }
}

/** One delivery for a fresh run of `net`, then the chain it started, to the end. */
async function deliverAndWait(port) {
  const runId = `01JBENCHTRACE${process.pid}R${++runNumber}`;
  const body = Buffer.from(
    JSON.stringify({
      account: 'acme',
      state: 'FINISHED',
      stateVersion: 9,
      timestamp: 1767101634,
      run: {
        id: runId,
        branch: 'main',
        createdAt: 1767101000,
        type: 'TRACKED',
        triggeredBy: 'bench',
        delta: { added: 1, changed: 0, deleted: 0, resources: 1 },
      },
      stack: { id: 'net', name: 'net', description: '', labels: [] },
    }),
  );
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    body,
  });
  const reply = await res.json();
  if (res.status !== 200 || reply.status !== 'started') throw new Error(`delivery of ${runId}: ${res.status} ${JSON.stringify(reply)}`);
  await temporal.client.workflow.getHandle(reply.workflowId).result();
}

/** A collector stand-in: answers every export at once and counts what it was sent. */
async function startSink() {
  const state = { spanBytes: 0 };
  const server = createHttpServer((req, res) => {
    req.on('data', (chunk) => (state.spanBytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { server, url: `http://127.0.0.1:${server.address().port}` });
}

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
}

function rssOf(pid) {
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
}

function render(rows) {
  const manifest = JSON.parse(readFileSync(join(root, 'dist', '.binary-build', 'x64', 'sea-manifest.json'), 'utf8'));
  const bundle = manifest.files.find((f) => f.path === 'workflow-bundle-traced.js');
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  const loaded = rows.filter((r) => r.loadMs !== undefined);
  return `## Tracing

What OpenTelemetry tracing costs \`serve\` in the single binary (${mb(statSync(BINARY).size)}; main script
${mb(statSync(join(root, 'dist', '.binary-build', 'main.cjs')).size)}, workflow bundle ${mb(bundle.size)} with the
OpenTelemetry workflow interceptors), off and on, measured on ${cpus().length} × ${cpus()[0]?.model.trim()} on
${new Date().toISOString().slice(0, 10)} (1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end: on a
shared machine, compare the variants of one run, not runs). Command (from the repository root):

\`\`\`sh
${COMMAND}
\`\`\`

Start: spawn until \`GET /readyz\` answers 200 (warm asset cache), then resident memory after 3 s idle; median of
${runs} runs (range in brackets).

| variant | start to ready | idle RSS |
| --- | --- | --- |
${rows.map((r) => `| ${r.label} | ${r.readyMs} ms (${r.readyRange[0]}–${r.readyRange[1]}) | ${r.rssMb} MB |`).join('\n')}

Load: ${deliveries} webhook deliveries at once (\`CASCADE_MODE=direct\`: each starts a chain that looks up the dependents
of one stack and triggers two), until every chain has completed.

| variant | all chains done | CPU of serve per delivery | RSS after | sent to the collector |
| --- | --- | --- | --- | --- |
${loaded.map((r) => `| ${r.label} | ${r.loadMs} ms | ${r.cpuPerDeliveryMs} ms | ${r.loadRssMb} MB | ${r.exportedKb} kB |`).join('\n')}

Reading the figures:
- Off, no OpenTelemetry SDK module is loaded (\`installTracing\` imports it on demand) and the worker runs the plain
  workflow bundle, without the OpenTelemetry interceptors (the traced bundle is loaded only when tracing is on); what
  remains is the OpenTelemetry API's no-op span on each delivery. Compare the two rows of one run: start-up and CPU
  figures move with the machine's load from one run to the next.
- On, a delivery of this load exports about 20 spans (delivery, workflow start, workflows, activities, HTTP calls)
  in batches (the SDK's BatchSpanProcessor: every 5 s, at most 512 per export); the sink answers at once, so a
  slow collector costs memory for the queue (2048 spans at most, then spans are dropped), not latency.
`;
}

async function isReady(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function devServer() {
  const path = process.env.TEMPORAL_CLI_PATH ?? join(homedir(), '.cache', 'spacelift-cascade', 'temporal-cli-v1.5.1', 'temporal');
  return { type: 'existing-path', path };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
