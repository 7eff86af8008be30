import t from 'tap';
import type { Connection } from '@temporalio/client';
import { createLogger } from '../../src/log/logger';
import { stopWithin } from '../../src/service/graceful-stop';
import { createTemporalProbe } from '../../src/service/temporal-probe';
import { TeardownStack, unlessInterrupted, DemoInterrupted } from '../../src/cli/demo/teardown-stack';
import { probeTcp } from '../../src/service/tcp-probe';
import { noWorkerAnswered } from '../../src/service/temporal-session';
import { forwardTo } from '../../src/service/install-runtime';
import { warnIfCascadeRunsUnrecognisable } from '../../src/service/startup-checks';
import { loadConfig } from '../../src/config';

function fakeConnection(answer: () => Promise<unknown>): { connection: Connection; calls: () => number } {
  let calls = 0;
  const connection = {
    withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
    workflowService: {
      getSystemInfo: () => {
        calls += 1;
        return answer();
      },
    },
  } as unknown as Connection;
  return { connection, calls: () => calls };
}

t.test('temporal probe: cached for 5 s, shared while in flight, names the failure', async (t) => {
  let clock = 1_000;
  let healthy = true;
  const { connection, calls } = fakeConnection(async () => {
    if (!healthy) throw new Error('14 UNAVAILABLE: connection refused');
    return {};
  });
  const probe = createTemporalProbe(connection, 'h:7233', () => clock);
  const [a, b] = await Promise.all([probe(), probe()]);
  t.same(
    [a, b],
    [
      { ok: true, reason: 'ready' },
      { ok: true, reason: 'ready' },
    ],
  );
  t.equal(calls(), 1, 'concurrent callers share one call');
  healthy = false;
  clock += 4_999;
  t.same(await probe(), { ok: true, reason: 'ready' }, 'still cached');
  clock += 1;
  t.same(await probe(), { ok: false, reason: 'Temporal at h:7233 is unreachable: Error: 14 UNAVAILABLE: connection refused' });
  t.equal(calls(), 2);
});

t.test('stopWithin: true on a clean stop, false on failure or when the grace period runs out', async (t) => {
  const logs: string[] = [];
  const logger = createLogger({ write: (l) => logs.push(l) });
  t.equal(await stopWithin(1_000, logger, async () => undefined), true);
  t.equal(
    await stopWithin(1_000, logger, async () => {
      throw new Error('boom');
    }),
    false,
  );
  const started = Date.now();
  t.equal(await stopWithin(0, logger, () => new Promise(() => undefined)), false);
  t.ok(Date.now() - started < 3_000);
  t.ok(logs.some((l) => l.includes('shutdown failed') && l.includes('boom')));
  t.ok(logs.some((l) => l.includes('shutdown did not finish cleanly')));
});

t.test('TeardownStack closes in reverse order, waits for resources still starting, survives failures', async (t) => {
  const order: string[] = [];
  const stack = new TeardownStack(createLogger({ write: () => undefined }));
  await stack.track('server', Promise.resolve('server'), async (r) => void order.push(r));
  let finishStarting!: (value: string) => void;
  void stack.track('slow', new Promise<string>((r) => (finishStarting = r)), async (r) => void order.push(r));
  void stack.track('failed-start', Promise.reject(new Error('no')), async () => void order.push('never'));
  await stack.track('broken', Promise.resolve('broken'), async () => {
    throw new Error('close failed');
  });
  const closing = stack.closeAll();
  setTimeout(() => finishStarting('slow'), 20);
  await closing;
  t.same(order, ['slow', 'server']);
});

t.test('unlessInterrupted rejects with DemoInterrupted on the signal', async (t) => {
  let signal!: (s: NodeJS.Signals) => void;
  const interrupted = new Promise<NodeJS.Signals>((r) => (signal = r));
  t.equal(await unlessInterrupted(interrupted, Promise.resolve(1)), 1);
  const pending = unlessInterrupted(interrupted, new Promise(() => undefined));
  signal('SIGINT');
  await t.rejects(pending, DemoInterrupted);
});

t.test('probeTcp names the real cause', async (t) => {
  await t.rejects(probeTcp('127.0.0.1:1', 2_000), { message: 'connect ECONNREFUSED 127.0.0.1:1' });
  await t.rejects(probeTcp('no-such-host.invalid:7233', 5_000), {
    message: /^cannot resolve host no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/,
  });
});

t.test('SDK log entries become our JSON lines; the trigger worker\u2019s "no workflows" warning is dropped', async (t) => {
  const logs: string[] = [];
  const forward = forwardTo(createLogger({ level: 'debug', write: (l) => logs.push(l) }));
  const at = { timestampNanos: 0n };
  forward({
    ...at,
    level: 'WARN',
    message: 'No workflows registered, not polling for workflow tasks',
    meta: { taskQueue: 'spacelift-task-queue-triggers' },
  });
  forward({
    ...at,
    level: 'WARN',
    message: 'No workflows registered, not polling for workflow tasks',
    meta: { taskQueue: 'spacelift-task-queue' },
  });
  forward({ ...at, level: 'ERROR', message: 'Workflow task failed', meta: { workflowId: 'cascade-vpc-R1' } });
  t.same(
    logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map(({ level, msg, taskQueue, workflowId }) => ({ level, msg, taskQueue, workflowId })),
    [
      {
        level: 'warn',
        msg: 'No workflows registered, not polling for workflow tasks',
        taskQueue: 'spacelift-task-queue',
        workflowId: undefined,
      },
      { level: 'error', msg: 'Workflow task failed', taskQueue: undefined, workflowId: 'cascade-vpc-R1' },
    ],
  );
});

t.test('a graph-mode listener without the key ID is warned; the key ID alone is enough', async (t) => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
  const base = { ...loadConfig({ env: { SPACELIFT_WEBHOOK_SECRET: 'hook-secret' }, role: 'webhook' }) };
  warnIfCascadeRunsUnrecognisable(base, logger);
  t.match(lines.splice(0), [/CASCADE_MODE is graph but the listener has no SPACELIFT_API_KEY_ID/]);
  warnIfCascadeRunsUnrecognisable(
    loadConfig({ env: { SPACELIFT_WEBHOOK_SECRET: 'hook-secret', SPACELIFT_API_KEY_ID: '01HZZZEXAMPLEKEY0000000000' }, role: 'webhook' }),
    logger,
  );
  t.same(lines, [], 'the key ID without the endpoint and secret');
  warnIfCascadeRunsUnrecognisable({ ...base, cascade: { ...base.cascade, mode: 'direct' } }, logger);
  t.same(lines, [], 'direct mode watches no run');
});

t.test(
  'a status query counts as unanswered when the deadline passes or the server saw no poller lately; other errors do not',
  async (t) => {
    const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
    const wrapped = (cause: Error) => new Error('Failed to query Workflow', { cause });
    t.ok(noWorkerAnswered(wrapped(grpc(4, 'Deadline exceeded'))), 'DEADLINE_EXCEEDED');
    t.ok(
      noWorkerAnswered(wrapped(grpc(9, 'no poller seen for task queue recently, worker may be down'))),
      'FAILED_PRECONDITION: no poller seen',
    );
    t.notOk(noWorkerAnswered(wrapped(grpc(9, 'workflow execution already completed'))), 'another FAILED_PRECONDITION');
    t.notOk(noWorkerAnswered(wrapped(grpc(14, 'connection refused'))), 'UNAVAILABLE is Temporal down, not a missing worker');
    t.notOk(noWorkerAnswered(new Error('no poller seen')), 'not a gRPC error');
  },
);
