// Spacelift misbehaving through whole workflows, end to end over HTTP to the fake: malformed JSON, hung requests
// (client timeouts), resets, 5xx/429 and token expiry in the CascadeWorkflow (discovery, triggers, the at-most-once
// lookup, run polling) and malformed JSON / timeouts in StackDependencyChainWorkflow. Retryable faults are retried
// (3 attempts) without triggering anything twice; non-retryable ones surface with their reason.
// test/workflows/failures.test.ts covers 500/429/GraphQL errors/schema violations/expiry in the chain; not repeated.
// A retryable error wraps a low-level one (SyntaxError, TimeoutError); the reason must be the activity's own
// message, with operation and stack, not that innermost cause.
import t from 'tap';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CascadeInput } from '../../src/workflows/cascade-types';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

/** root → a → a1, root → b → b1. */
const graph = [
  { id: 'root' },
  { id: 'a', labels: ['dependsOn:root'] },
  { id: 'b', labels: ['depends-on:root'] },
  { id: 'a1', labels: ['dependsOn:a'] },
  { id: 'b1', labels: ['dependsOn:b'] },
];
const REQUEST_TIMEOUT_MS = 500;
const cascade: CascadeInput = { stack_id: 'root', run_id: 'faults', options: { pollInitialMs: 1_000, pollMaxMs: 4_000 } };
const finished = { defaultRunOutcome: { state: 'FINISHED' }, requestTimeoutMs: REQUEST_TIMEOUT_MS };

const calls = (
  sl: { fake: { requests: { operation: string; variables: Record<string, unknown> }[] } },
  operation: string,
  stackId?: string,
) => sl.fake.requests.filter((r) => r.operation === operation && (stackId === undefined || r.variables.stack === stackId)).length;

t.test('cascade: malformed JSON, timeouts, resets and 5xx/429 everywhere are retried; each stack runs once', async (t) => {
  const sl = await startSpacelift(graph, finished);
  t.teardown(() => stopSpacelift(sl));
  const { fake } = sl;
  fake.inject({ operation: 'searchStacks', kind: 'malformedJson' });
  fake.inject({ operation: 'searchStacks', kind: 'http429' });
  fake.inject({ operation: 'runTrigger', stackId: 'a', kind: 'timeout' });
  fake.inject({ operation: 'listRuns', stackId: 'a', kind: 'http500' });
  fake.inject({ operation: 'runTrigger', stackId: 'b', kind: 'malformedJson' });
  fake.inject({ operation: 'runTrigger', stackId: 'a1', kind: 'http500' });
  fake.inject({ operation: 'getRun', stackId: 'b', kind: 'reset' });
  fake.inject({ operation: 'getRun', stackId: 'b', kind: 'timeout' });
  fake.inject({ operation: 'getRun', stackId: 'a1', kind: 'malformedJson' });

  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade(cascade));
  t.same(
    Object.fromEntries(status.stacks.map((s) => [s.id, s.state])),
    { a: 'finished', b: 'finished', a1: 'finished', b1: 'finished' },
    'the whole graph finished',
  );
  for (const id of ['a', 'b', 'a1', 'b1']) t.equal(fake.triggerCount(id), 1, `${id} triggered exactly once`);
  t.equal(calls(sl, 'searchStacks'), 3, 'discovery: malformed JSON, 429, then success');
  t.equal(calls(sl, 'runTrigger', 'a'), 2, 'a: hung trigger (client timeout), lookup 500, then one trigger');
  t.equal(calls(sl, 'listRuns', 'a'), 2, 'a: each retry first looks for a run of its own');
  t.equal(calls(sl, 'runTrigger', 'b'), 2, 'b: malformed JSON, then one trigger');
  t.equal(calls(sl, 'runTrigger', 'a1'), 2, 'a1: 500, then one trigger');
  t.ok(calls(sl, 'getRun', 'b') >= 3, 'b: its monitor polled through a reset and a timeout');
  t.ok(calls(sl, 'getRun', 'a1') >= 2, 'a1: its monitor polled through malformed JSON');
});

t.test('cascade: the token expires at every trigger; each call refreshes it once and nothing runs twice', async (t) => {
  const sl = await startSpacelift(graph, finished);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.onTrigger(() => sl.fake.expireTokens());
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade(cascade));
  t.ok(
    status.stacks.every((s) => s.state === 'finished'),
    'the whole graph finished',
  );
  for (const id of ['a', 'b', 'a1', 'b1']) t.equal(sl.fake.triggerCount(id), 1, `${id} triggered exactly once`);
  t.ok(calls(sl, 'apiKeyUser') >= 3, `the key was exchanged again after expiries (${calls(sl, 'apiKeyUser')} exchanges)`);
});

t.test('cascade: malformed JSON on every attempt fails that stack with the reason and skips only what is below it', async (t) => {
  const sl = await startSpacelift(graph, finished);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'a', kind: 'malformedJson', times: 3 });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade(cascade));
  const byId = Object.fromEntries(status.stacks.map((s) => [s.id, s]));
  t.match(
    byId.a,
    { state: 'failed', reason: /^runTrigger \(stack a\) answered malformed JSON \(HTTP 200, 8 bytes\)$/ },
    'a failed; the reason names the operation and stack',
  );
  t.match(byId.a1, { state: 'skipped', reason: 'upstream a FAILED' });
  t.match(byId.b, { state: 'finished' });
  t.match(byId.b1, { state: 'finished' });
  t.equal(calls(sl, 'runTrigger', 'a'), 3, 'three attempts');
  t.equal(sl.fake.triggerCount('a'), 0, 'a malformed answer created no run here');
});

t.test(
  'cascade: discovery rides out timeouts, and one timing out past the plan deadline fails with the timeout as its reason',
  async (t) => {
    const sl = await startSpacelift(graph, finished);
    t.teardown(() => stopSpacelift(sl));
    sl.fake.inject({ operation: 'searchStacks', kind: 'timeout', times: 3 });
    // A plan deadline of one minute: attempts at 0, 1, 3, 7, 15 and 31 s; the next would come after it.
    const shortPlan = { ...cascade, options: { ...cascade.options, planTimeoutMs: 60_000 } };
    await withWorker(env, sl.client, async ({ runCascade }) => {
      const status = await runCascade(shortPlan);
      t.ok(
        status.stacks.every((s) => s.state === 'finished'),
        'three timeouts in a row lose nothing',
      );
      t.equal(calls(sl, 'searchStacks'), 4);
      sl.fake.inject({ operation: 'searchStacks', kind: 'timeout', times: 100 });
      const err = await runCascade(shortPlan).catch((e: unknown) => e);
      t.type(err, WorkflowFailedError);
      t.match(messages(err), new RegExp(`searchStacks timed out after ${REQUEST_TIMEOUT_MS} ms`), 'the failure carries the reason');
    });
    t.equal(calls(sl, 'searchStacks') - 4, 6, 'retried with backoff until the deadline');
    t.equal(sl.fake.triggers.length, 4, 'the first cascade only');
  },
);

t.test('cascade: non-retryable answers (rejected key, schema violation, unknown stack) fail at once with the reason', async (t) => {
  const sl = await startSpacelift([...graph, { id: 'c', labels: ['dependsOn:root'] }], finished);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'a', kind: 'unauthorized', times: 2 });
  sl.fake.inject({ operation: 'runTrigger', stackId: 'b', kind: 'schemaViolation' });
  sl.fake.inject({ operation: 'runTrigger', stackId: 'c', kind: 'notFound' });
  const status = await withWorker(env, sl.client, ({ runCascade }) => runCascade(cascade));
  const byId = Object.fromEntries(status.stacks.map((s) => [s.id, s]));
  t.match(byId.a, { state: 'failed', reason: /still unauthorized after a token refresh/ });
  t.match(byId.b, { state: 'failed', reason: /runTrigger.*\/data\/runTrigger\/state/ });
  t.match(byId.c, { state: 'failed', reason: /not found/ });
  t.match(byId.a1, { state: 'skipped', reason: 'upstream a FAILED' });
  t.match(byId.b1, { state: 'skipped', reason: 'upstream b FAILED' });
  t.equal(calls(sl, 'runTrigger', 'a'), 2, 'a: one request, one resend after the refresh, no retry');
  t.equal(calls(sl, 'runTrigger', 'b'), 1, 'b: not retried');
  t.equal(calls(sl, 'runTrigger', 'c'), 1, 'c: not retried');
});

t.test('chain: malformed JSON and timeouts in discovery and triggers are retried; exhausted ones are reported', async (t) => {
  const sl = await startSpacelift(
    [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc'] },
      { id: 'rds', labels: ['depends-on:vpc'] },
      { id: 'cdn', labels: ['dependsOn:vpc'] },
    ],
    finished,
  );
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'searchStacks', kind: 'malformedJson' });
  sl.fake.inject({ operation: 'searchStacks', kind: 'timeout' });
  sl.fake.inject({ operation: 'runTrigger', stackId: 'eks', kind: 'timeout' });
  sl.fake.inject({ operation: 'runTrigger', stackId: 'rds', kind: 'malformedJson', times: 2 });
  sl.fake.inject({ operation: 'runTrigger', stackId: 'cdn', kind: 'timeout', times: 3 });
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  const byId = Object.fromEntries(result.dependents.map((d) => [d.stack_id, d]));
  t.match(byId.eks, { status: 'triggered' });
  t.match(byId.rds, { status: 'triggered' });
  t.match(
    byId.cdn,
    {
      status: 'failed',
      error: new RegExp(`^triggering a run on stack cdn failed: runTrigger \\(stack cdn\\) timed out after ${REQUEST_TIMEOUT_MS} ms$`),
    },
    'cdn is reported failed, with the operation and the timeout',
  );
  t.equal(calls(sl, 'searchStacks'), 3, 'discovery: malformed JSON, timeout, success');
  t.equal(sl.fake.triggerCount('eks'), 1);
  t.equal(sl.fake.triggerCount('rds'), 1);
  t.equal(sl.fake.triggerCount('cdn'), 0);
  t.equal(calls(sl, 'runTrigger', 'cdn'), 3, 'three attempts, then the reason');
});

/** Every message along the failure's cause chain, one per line. */
function messages(err: unknown): string {
  const lines: string[] = [];
  for (let current: unknown = err; current instanceof Error; current = current.cause) lines.push(current.message);
  return lines.join('\n');
}
