// Fuzzing the webhook listener in process: 10,000 generated requests (random bytes, truncated JSON, huge numbers,
// 100k-level nesting, wrong types, oversized bodies, bad signatures, odd content types, methods and paths, bytes
// that are not HTTP), then 2,000 more while every Temporal call fails. Seeded: FUZZ_SEED=<n> replays a run.
import t from 'tap';
import { request, Agent } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLogger } from '../../src/log/logger';
import { createCascadeMetrics } from '../../src/metrics';
import type { StartCascadeOutcome, StartCascadeRequest } from '../../src/temporal/start-cascade';
import { createWebhookServer, type RouteOutcome } from '../../src/webhook';
import { webhookConfig } from '../webhook/harness';
import { generateCase, MAX_BODY, OLD_SECRET, PATH, SECRET, type FuzzCase } from './generate-requests';
import { prng } from '../support/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const PHASE_ONE = 10_000;
const PHASE_TWO = 2_000;
const CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 10_000;
/** Heap growth allowed between the warm-up checkpoint and the end, after full GCs. */
const HEAP_GROWTH_LIMIT = 32 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Outcome {
  status: number;
  /** The connection was closed without an HTTP answer (allowed for raw bytes and oversized bodies only). */
  closed?: string;
}

type Mode = { startCascade: 'ok' | 'throws'; route: 'ok' | 'throws' };

async function startServer(mode: () => Mode) {
  const starts: StartCascadeRequest[] = [];
  let calls = 0;
  const failure = (n: number): unknown => [new Error('UNAVAILABLE: connection refused'), 'a string', null, { code: 14 }, undefined][n % 5];
  const server = createWebhookServer({
    config: webhookConfig({ secrets: [SECRET, OLD_SECRET], maxBodyBytes: MAX_BODY }),
    metrics: createCascadeMetrics(),
    // Formats every line (debug) but keeps none: the logger runs over every odd input without growing the heap.
    logger: createLogger({ level: 'debug', write: () => undefined }),
    isReady: () => true,
    startCascade: async (req: StartCascadeRequest): Promise<StartCascadeOutcome> => {
      calls += 1;
      if (mode().startCascade === 'throws') throw failure(calls);
      starts.push(req);
      if (calls % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      return { status: 'started', workflowId: `cascade-${req.stackId}-${req.runId}` };
    },
    routeRunState: async (): Promise<RouteOutcome> => {
      if (mode().route === 'throws') throw failure(calls + 1);
      return 'no-monitor';
    },
  });
  const { port } = await server.listen();
  return { server, port, starts, calls: () => calls };
}

function sendHttp(port: number, c: FuzzCase, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    const headers = { ...c.headers, ...(c.body && !c.chunked ? { 'content-length': String(c.body.length) } : {}) };
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent, timeout: REQUEST_TIMEOUT_MS });
    } catch (err) {
      // The HTTP client itself refused to send it (e.g. an illegal path): nothing reached the server.
      done({ status: -1, closed: `client refused: ${String(err)}` });
      return;
    }
    req.on('timeout', () => {
      req.destroy();
      done({ status: 0 });
    });
    req.on('error', (err: NodeJS.ErrnoException) => done({ status: 0, closed: err.code ?? err.message }));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? 0 }));
      res.on('error', () => done({ status: res.statusCode ?? 0 }));
    });
    if (c.body && c.chunked) {
      for (let i = 0; i < c.body.length; i += 64 * 1024) req.write(c.body.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(c.body);
    }
  });
}

function sendRaw(port: number, bytes: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => finish({ status: 0 }), REQUEST_TIMEOUT_MS);
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (status) finish({ status: Number(status[1]) });
    });
    socket.on('error', () => finish({ status: 0, closed: 'error' }));
    socket.on('close', () => finish({ status: 0, closed: 'closed' }));
    socket.end(bytes);
  });
}

interface PhaseReport {
  statuses: Map<number, number>;
  problems: string[];
  byCategory: Map<string, number>;
}

/** Generates cases on demand (bodies are dropped once sent) and remembers the run IDs the oracle needs. */
class CaseSource {
  private n = 0;
  readonly signedRuns = new Set<string>();
  readonly unsignedRuns = new Set<string>();
  readonly validRuns = new Set<string>();
  readonly validSent = { phase1: 0, phase2: 0 };

  constructor(private readonly random: () => number) {}

  next(phase: 1 | 2): FuzzCase {
    const c = generateCase(this.random, this.n++);
    const signed = c.expect === 'valid' || c.expect === 'signed';
    const runId = runIdOf(c);
    if (runId !== undefined) (signed ? this.signedRuns : this.unsignedRuns).add(runId);
    if (c.expect === 'valid') {
      this.validSent[phase === 1 ? 'phase1' : 'phase2'] += 1;
      if (phase === 1 && c.runId) this.validRuns.add(c.runId);
    }
    return c;
  }
}

async function runPhase(port: number, source: CaseSource, count: number, phase: 1 | 2): Promise<PhaseReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const report: PhaseReport = { statuses: new Map(), problems: [], byCategory: new Map() };
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent += 1;
      const c = source.next(phase);
      const outcome = c.raw ? await sendRaw(port, c.raw) : await sendHttp(port, c, c.chunked || sent % 5 === 0 ? false : agent);
      report.statuses.set(outcome.status, (report.statuses.get(outcome.status) ?? 0) + 1);
      report.byCategory.set(c.category, (report.byCategory.get(c.category) ?? 0) + 1);
      const problem = judge(c, outcome, phase);
      if (problem)
        report.problems.push(
          `${c.category} ${c.method} ${c.path.slice(0, 60)} → ${outcome.status}${outcome.closed ? ` (${outcome.closed})` : ''}: ${problem}`,
        );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return report;
}

/** Why an outcome is wrong for its case, or undefined when it is acceptable. */
function judge(c: FuzzCase, outcome: Outcome, phase: 1 | 2): string | undefined {
  const { status } = outcome;
  if (status === -1) return c.expect === 'rejected' ? undefined : 'the client could not send it';
  if (status >= 500 && !(status === 503 && phase === 2)) return 'a 5xx other than 503-while-Temporal-fails';
  if (status === 0) {
    if (c.expect === 'raw' && outcome.closed) return undefined;
    if (c.expect === 'oversized' && outcome.closed && ['EPIPE', 'ECONNRESET'].includes(outcome.closed)) return undefined;
    return outcome.closed ? 'closed without an answer' : `no answer within ${REQUEST_TIMEOUT_MS} ms`;
  }
  switch (c.expect) {
    case 'valid':
      return status === (phase === 1 ? 200 : 503) ? undefined : `expected ${phase === 1 ? 200 : 503}`;
    case 'oversized':
      return status === 413 ? undefined : 'expected 413';
    case 'rejected':
      // GET /healthz and friends are fine; anything aimed at the webhook path must be refused.
      return c.path !== PATH || (status >= 400 && status < 500) ? undefined : 'expected a 4xx';
    case 'raw':
      return status >= 400 && status < 500 ? undefined : 'expected a 4xx from the HTTP parser';
    case 'signed':
      return undefined;
  }
}

/** run.id of a body that parses as JSON and has a string one, as the listener would read it. */
function runIdOf(c: FuzzCase): string | undefined {
  if (!c.body || c.body.length > MAX_BODY) return undefined;
  try {
    const parsed = JSON.parse(c.body.toString('utf8')) as { run?: { id?: unknown } } | null;
    return typeof parsed?.run?.id === 'string' ? parsed.run.id : undefined;
  } catch {
    return undefined; // not JSON: it cannot have started anything
  }
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

t.test(`fuzz: ${PHASE_ONE + PHASE_TWO} generated requests against the listener (seed ${SEED})`, async (t) => {
  t.comment(`FUZZ_SEED=${SEED}`);
  const source = new CaseSource(prng(SEED));
  let mode: Mode = { startCascade: 'ok', route: 'ok' };
  const srv = await startServer(() => mode);
  t.teardown(() => srv.server.close(1_000));
  const started = Date.now();

  const warmup = await runPhase(srv.port, source, 1_000, 1);
  const heapStart = heapAfterGc();
  const rssStart = process.memoryUsage().rss;
  const rest = await runPhase(srv.port, source, PHASE_ONE - 1_000, 1);
  const heapEnd = heapAfterGc();
  const rssEnd = process.memoryUsage().rss;
  const phaseOne = [warmup, rest];

  const problems = phaseOne.flatMap((r) => r.problems);
  t.same(problems.slice(0, 20), [], `phase 1: every request answered acceptably (${problems.length} problems)`);
  const statuses = new Map<number, number>();
  const categories = new Map<string, number>();
  for (const r of phaseOne) {
    for (const [k, v] of r.statuses) statuses.set(k, (statuses.get(k) ?? 0) + v);
    for (const [k, v] of r.byCategory) categories.set(k, (categories.get(k) ?? 0) + v);
  }
  t.comment(
    `phase 1 statuses: ${[...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')}`,
  );
  t.comment(`phase 1 categories: ${[...categories].map(([c, n]) => `${c}: ${n}`).join(', ')}`);

  const startedRuns = srv.starts.map((s) => s.runId);
  const { signedRuns, unsignedRuns, validRuns: expectedStarts } = source;
  t.same(
    startedRuns.filter((id) => unsignedRuns.has(id) && !signedRuns.has(id)),
    [],
    'nothing with a bad signature, content type, method or path reached startCascade',
  );
  t.same(
    startedRuns.filter((id) => !signedRuns.has(id)),
    [],
    'only the run IDs of correctly signed payloads reached startCascade',
  );
  t.same(srv.starts.filter((s) => s.runState !== 'FINISHED').length, 0, 'and only FINISHED runs');
  t.same(
    [...expectedStarts].filter((id) => !startedRuns.includes(id)),
    [],
    `every valid delivery started a chain (${expectedStarts.size})`,
  );
  const validStarts = startedRuns.filter((id) => expectedStarts.has(id));
  t.equal(new Set(validStarts).size, validStarts.length, 'each exactly once');

  const growth = heapEnd - heapStart;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  t.comment(
    `after GC: heap ${mib(heapStart)} / rss ${mib(rssStart)} after 1,000 requests, heap ${mib(heapEnd)} / rss ${mib(rssEnd)} after ${PHASE_ONE}`,
  );
  t.ok(growth < HEAP_GROWTH_LIMIT, `heap stays flat: grew ${(growth / 2 ** 20).toFixed(1)} MiB (limit ${HEAP_GROWTH_LIMIT / 2 ** 20} MiB)`);

  // Phase 2: Temporal fails. Valid deliveries must be answered 503, never 500, whichever call fails.
  const before = srv.starts.length;
  mode = { startCascade: 'throws', route: 'ok' };
  const throwsOnStart = await runPhase(srv.port, source, PHASE_TWO / 2, 2);
  mode = { startCascade: 'ok', route: 'throws' };
  const throwsOnRoute = await runPhase(srv.port, source, PHASE_TWO / 2, 2);
  const phaseTwoProblems = [...throwsOnStart.problems, ...throwsOnRoute.problems];
  t.same(phaseTwoProblems.slice(0, 20), [], `phase 2: the only 5xx is 503 (${phaseTwoProblems.length} problems)`);
  const valid503 = source.validSent.phase2;
  t.equal(
    (throwsOnStart.statuses.get(503) ?? 0) + (throwsOnRoute.statuses.get(503) ?? 0) >= valid503,
    true,
    `every valid delivery (${valid503}) was answered 503 while Temporal failed`,
  );
  t.equal(srv.starts.length, before, 'no chain was recorded as started while Temporal failed');

  const health = await sendHttp(srv.port, { category: 'health', expect: 'valid', method: 'GET', path: '/healthz', headers: {} }, false);
  t.equal(health.status, 200, 'the listener still answers after all of it');
  t.comment(`${PHASE_ONE + PHASE_TWO} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
