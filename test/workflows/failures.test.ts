// Retries, non-retryable errors, partial failure, GraphQL errors, schema violations and token expiry,
// on the time-skipping test server: backoff waits are skipped, and observed in simulated time.
import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createTimeSkippingEnv } from '../support/temporal';
import { withWorker } from '../support/harness';
import { observe, startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { generateStacks } from '../support/generate-stacks';

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createTimeSkippingEnv();
});
t.teardown(() => env?.teardown());

const account = [
  { id: 'vpc' },
  { id: 'eks', labels: ['dependsOn:vpc'] },
  { id: 'rds', labels: ['depends-on:vpc'] },
  { id: 'cdn', labels: ['dependsOn:vpc'] },
];

t.test('a failing trigger is retried exactly 3 times with 1 s then 2 s backoff in simulated time', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'eks', kind: 'http500', times: 3 });
  const attemptsAt: number[] = [];
  const spacelift = observe(sl.client, {
    beforeTrigger: async (stackId) => {
      if (stackId === 'eks') attemptsAt.push(await env.currentTimeMs());
    },
  });
  const wallStart = Date.now();
  const result = await withWorker(env, spacelift, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  const eks = result.dependents.find((d) => d.stack_id === 'eks');
  t.match(eks, { status: 'failed', error: /HTTP 500/ });
  t.equal(attemptsAt.length, 3, 'exactly three attempts');
  t.equal(sl.fake.requests.filter((r) => r.operation === 'runTrigger' && r.variables.stack === 'eks').length, 3);
  t.equal(sl.fake.triggerCount('eks'), 0);
  const [first = 0, second = 0, third = 0] = attemptsAt;
  t.ok(second - first >= 1_000 && second - first < 1_900, `first backoff ≈ 1 s (was ${second - first} ms)`);
  t.ok(third - second >= 2_000 && third - second < 2_900, `second backoff ≈ 2 s (was ${third - second} ms)`);
  t.equal(sl.fake.triggerCount('rds'), 1, 'siblings are not held back');
  t.equal(sl.fake.triggerCount('cdn'), 1);
  t.ok(Date.now() - wallStart < 60_000, 'backoff was skipped, not waited');
});

t.test('a transient failure followed by success triggers the stack once', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'rds', kind: 'http429', times: 2 });
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.match(
    result.dependents.find((d) => d.stack_id === 'rds'),
    { status: 'triggered' },
  );
  t.equal(sl.fake.triggerCount('rds'), 1);
});

t.test('a non-retryable error (unknown stack) fails at once, after one attempt', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'cdn', kind: 'notFound' });
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.match(
    result.dependents.find((d) => d.stack_id === 'cdn'),
    { status: 'failed', error: /not found/ },
  );
  t.equal(sl.fake.requests.filter((r) => r.operation === 'runTrigger' && r.variables.stack === 'cdn').length, 1);
});

t.test('a GraphQL refusal of runTrigger fails at once, after one attempt, like an HCP Terraform 4xx', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'cdn', kind: 'graphqlError', message: 'stack is disabled', times: 3 });
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.match(
    result.dependents.find((d) => d.stack_id === 'cdn'),
    { status: 'failed', error: /stack is disabled/ },
  );
  t.equal(sl.fake.requests.filter((r) => r.operation === 'runTrigger' && r.variables.stack === 'cdn').length, 1);
});

t.test('partial failure: every sibling is reported, the failed one with its reason', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'runTrigger', stackId: 'rds', kind: 'http500', times: 3 });
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  const status = Object.fromEntries(result.dependents.map((d) => [d.stack_id, d.status]));
  t.same(status, { eks: 'triggered', rds: 'failed', cdn: 'triggered' });
});

t.test('GraphQL errors during discovery are retried and the chain completes', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'searchStacks', kind: 'graphqlError', message: 'internal error', times: 2 });
  const result = await withWorker(env, sl.client, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.equal(result.dependents.length, 3);
  t.equal(sl.fake.requests.filter((r) => r.operation === 'searchStacks').length, 3, 'two failed pages + one good');
});

t.test('a schema violation fails the chain at once, naming the JSON path', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  sl.fake.inject({ operation: 'searchStacks', kind: 'schemaViolation', times: 5 });
  await withWorker(env, sl.client, async ({ runChain }) => {
    const err = await runChain({ stack_id: 'vpc' }).catch((e: unknown) => e);
    t.type(err, WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause?.cause as Error | undefined;
    t.match(cause?.message, /searchStacks.*\/data\/searchStacks/);
  });
  t.equal(sl.fake.requests.filter((r) => r.operation === 'searchStacks').length, 1, 'not retried');
  t.equal(sl.fake.triggers.length, 0);
});

t.test('discovery is a read: it rides out an outage, and fails only once the outage outlasts the 1 h deadline', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  const searches = () => sl.fake.requests.filter((r) => r.operation === 'searchStacks').length;
  sl.fake.inject({ operation: 'searchStacks', kind: 'http500', times: 10 });
  await withWorker(env, sl.client, async ({ client, runChain }) => {
    const result = await runChain({ stack_id: 'vpc' });
    t.same(
      result.dependents.map((d) => d.status),
      ['triggered', 'triggered', 'triggered'],
      'ten failed reads in a row lose nothing',
    );
    t.equal(searches(), 11);

    sl.fake.inject({ operation: 'searchStacks', kind: 'http500', times: 100_000 });
    await t.rejects(runChain({ stack_id: 'vpc' }, 'chain-outage'), WorkflowFailedError);
    // Server time, from the history: the read was scheduled, then given up when the next retry would pass 1 h.
    const events = (await client.workflow.getHandle('chain-outage').fetchHistory()).events ?? [];
    const at = (type: string) =>
      Number(
        events.find((e) => e.eventType === temporal.api.enums.v1.EventType[type as 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED'])?.eventTime
          ?.seconds,
      );
    const waited = at('EVENT_TYPE_ACTIVITY_TASK_FAILED') - at('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    t.ok(waited >= 58 * 60 && waited <= 3600, `gave up at the 1 h deadline: after ${(waited / 60).toFixed(1)} simulated minutes`);
  });
  t.ok(searches() - 11 > 50 && searches() - 11 < 80, `retried with backoff capped at 60 s: ${searches() - 11} reads`);
});

t.test('the JWT expires hours into a long chain: the client refreshes and nothing is lost', async (t) => {
  // One clock for the fake's token expiry and the client's cache; the test moves it 3 hours on mid-chain.
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const stacks = generateStacks({ total: 240, dependentsOf: { stackId: 'root', count: 200 } });
  const sl = await startSpacelift(stacks, { now, tokenTtlSeconds: 3600 });
  t.teardown(() => stopSpacelift(sl));
  let triggers = 0;
  const spacelift = observe(sl.client, {
    beforeTrigger: () => {
      triggers += 1;
      if (triggers === 100) offsetMs += 3 * 3600_000;
    },
  });
  const result = await withWorker(env, spacelift, ({ runChain }) => runChain({ stack_id: 'root' }));
  t.equal(result.dependents.filter((d) => d.status === 'triggered').length, 200);
  t.equal(new Set(sl.fake.triggers.map((tr) => tr.stackId)).size, 200);
  t.equal(sl.fake.triggers.length, 200, 'no stack triggered twice');
  t.ok(sl.fake.requests.filter((r) => r.operation === 'apiKeyUser').length >= 2, 'a fresh token was fetched');
});

t.test('a token revoked mid-chain is refreshed once and the request retried', async (t) => {
  const sl = await startSpacelift(account);
  t.teardown(() => stopSpacelift(sl));
  let revoked = false;
  const spacelift = observe(sl.client, {
    beforeTrigger: () => {
      if (!revoked) sl.fake.expireTokens();
      revoked = true;
    },
  });
  const result = await withWorker(env, spacelift, ({ runChain }) => runChain({ stack_id: 'vpc' }));
  t.ok(result.dependents.every((d) => d.status === 'triggered'));
  t.equal(sl.fake.triggers.length, 3);
  t.equal(sl.fake.requests.filter((r) => r.operation === 'apiKeyUser').length, 2);
});
