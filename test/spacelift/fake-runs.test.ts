// The fake's run life cycle: scripted outcomes advanced by getRun polls, onTrigger, runs(), runCancel/runDiscard.
import t from 'tap';
import { SpaceliftClient } from '../../src/spacelift/client';
import {
  GET_RUN,
  LIST_RUNS,
  RUN_CANCEL,
  RUN_DISCARD,
  RUN_TRIGGER,
  API_KEY_USER,
  type ApiKeyUserResponse,
  type GraphQLErrorsResponse,
  type OperationSpec,
  type RunTriggerResponse,
  type StackRunResponse,
  type StackRunsResponse,
} from '../../src/spacelift/queries';
import { matchesSchema } from '../../src/spacelift/validate';
import * as fromSrc from '../../src/fakes/spacelift/server';
import { loadFixtureAccount, startFakeSpacelift, type FakeSpaceliftOptions, type RecordedTrigger } from '../support/fake-spacelift';
import { at } from '../support/json';

const FINISHED = { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 2 } };

async function setup(t: tap.Test, options: FakeSpaceliftOptions = {}) {
  const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'rds' }], ...options });
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 2_000,
  });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  let jwt: string | undefined;
  /**
   * The wire protocol directly, so refusals are seen as Spacelift sends them. The answer is typed as the caller expects
   * (T), unchecked: the tests compare it or check it with matchesSchema.
   */
  const post = async <T = unknown>(spec: OperationSpec, variables: Record<string, unknown>): Promise<T> => {
    const request = async <R>(body: unknown, auth?: string) =>
      (
        await fetch(`${fake.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
          body: JSON.stringify(body),
        })
      ).json() as Promise<R>;
    jwt ??= (await request<ApiKeyUserResponse>({ query: API_KEY_USER.query, variables: { id: fake.apiKeyId, secret: fake.apiKeySecret } }))
      .data.apiKeyUser?.jwt as string;
    return request<T>({ query: spec.query, variables }, jwt);
  };
  const poll = async (stackId: string, runId: string) => (await client.getRun(stackId, runId)).state;
  return { fake, client, post, poll };
}

t.test('without an outcome a run stays QUEUED however often it is polled', async (t) => {
  const { fake, client, poll } = await setup(t);
  const run = await client.triggerRun('eks');
  for (let i = 0; i < 5; i++) t.equal(await poll('eks', run.id), 'QUEUED');
  t.same(fake.runs(), [{ stackId: 'eks', id: run.id, state: 'QUEUED', delta: null }]);
});

t.test('defaultRunOutcome: the first getRun ends the run, with its delta', async (t) => {
  const { fake, client } = await setup(t, { defaultRunOutcome: FINISHED });
  const run = await client.triggerRun('eks');
  t.equal(run.state, 'QUEUED', 'runTrigger still answers QUEUED');
  t.equal(fake.runs()[0]?.state, 'QUEUED', 'nothing happens until a poll');
  const polled = await client.getRun('eks', run.id);
  t.match(polled, { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 2 } });
  t.same(fake.runs(), [{ stackId: 'eks', id: run.id, state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 2 } }]);
  t.equal((await client.getRun('eks', run.id)).state, 'FINISHED', 'and stays there');
});

t.test('afterPolls: that many getRun calls still see the run non-terminal', async (t) => {
  const { client, poll } = await setup(t, { defaultRunOutcome: { state: 'FAILED', afterPolls: 2 } });
  const run = await client.triggerRun('eks');
  t.same(
    [await poll('eks', run.id), await poll('eks', run.id), await poll('eks', run.id), await poll('eks', run.id)],
    ['QUEUED', 'QUEUED', 'FAILED', 'FAILED'],
  );
  t.equal((await client.getRun('eks', run.id)).delta, null, 'delta defaults to null');
  const other = await client.triggerRun('rds');
  t.equal(await poll('rds', other.id), 'QUEUED', 'each run counts its own polls');
});

t.test('only getRun of the right stack counts as a poll; listRuns and failed polls do not', async (t) => {
  const { fake, client, poll } = await setup(t, { defaultRunOutcome: { ...FINISHED, afterPolls: 1 } });
  const run = await client.triggerRun('eks');
  await client.listRunsSince('eks', 0);
  await client.getRun('vpc', run.id).catch(() => undefined);
  fake.inject({ operation: 'getRun', kind: 'http500' });
  await client.getRun('eks', run.id).catch(() => undefined);
  t.equal(fake.runs()[0]?.state, 'QUEUED');
  t.same([await poll('eks', run.id), await poll('eks', run.id)], ['QUEUED', 'FINISHED']);
});

t.test('setRunOutcome overrides the default for one stack, including runs already in flight', async (t) => {
  const { fake, client, poll } = await setup(t, { defaultRunOutcome: FINISHED });
  const eks = await client.triggerRun('eks');
  fake.setRunOutcome('eks', { state: 'UNCONFIRMED', delta: { added: 0, changed: 5, deleted: 0 }, afterPolls: 1 });
  const rds = await client.triggerRun('rds');
  t.same([await poll('eks', eks.id), await poll('eks', eks.id)], ['QUEUED', 'UNCONFIRMED']);
  t.equal(await poll('rds', rds.id), 'FINISHED', 'other stacks keep the default');
  t.same(fake.runs('eks')[0]?.delta, { added: 0, changed: 5, deleted: 0 });
  fake.setRunState(eks.id, 'APPLYING');
  t.equal(await poll('eks', eks.id), 'APPLYING', 'an outcome is applied once, never again');
  t.throws(() => fake.setRunOutcome('eks', { state: '' }), { message: 'fake-spacelift: setRunOutcome(eks) needs a state' });
  t.throws(() => fake.setRunOutcome('eks', { state: 'FINISHED', afterPolls: -1 }), {
    message: /afterPolls must be a non-negative integer, got -1/,
  });
  t.throws(() => fake.setRunOutcome('eks', { state: 'FINISHED', delta: { added: 1.5, changed: 0, deleted: 0 } }), {
    message: /delta counts/,
  });
  await t.rejects(startFakeSpacelift({ defaultRunOutcome: { state: 'FINISHED', afterPolls: 0.5 } }), {
    message: /defaultRunOutcome\.afterPolls/,
  });
});

t.test('a run that is already terminal, or stopped, never takes its outcome', async (t) => {
  const { fake, client, poll } = await setup(t, { defaultRunOutcome: FINISHED });
  const failed = await client.triggerRun('eks');
  fake.setRunState(failed.id, 'FAILED');
  t.equal(await poll('eks', failed.id), 'FAILED');
  const cancelled = await client.triggerRun('eks');
  await client.cancelRun('eks', cancelled.id);
  t.equal(await poll('eks', cancelled.id), 'CANCELED');
});

t.test('setRunState: delta replaced when given, kept when omitted, cleared by null', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.setRunState(run.id, 'UNCONFIRMED', { added: 3, changed: 0, deleted: 0 });
  fake.setRunState(run.id, 'APPLYING');
  t.same((await client.getRun('eks', run.id)).delta, { added: 3, changed: 0, deleted: 0 });
  fake.setRunState(run.id, 'FINISHED', null);
  t.match(await client.getRun('eks', run.id), { state: 'FINISHED', delta: null });
  t.throws(() => fake.setRunState('nope', 'FAILED'), { message: 'fake-spacelift: no run nope' });
});

t.test("runs() lists every run in trigger order, or one stack's, as copies", async (t) => {
  const { fake, client } = await setup(t);
  const a = await client.triggerRun('eks');
  const b = await client.triggerRun('rds');
  const c = await client.triggerRun('eks');
  t.same(
    fake.runs().map((r) => [r.stackId, r.id]),
    [
      ['eks', a.id],
      ['rds', b.id],
      ['eks', c.id],
    ],
  );
  t.same(
    fake.runs('eks').map((r) => r.id),
    [a.id, c.id],
  );
  t.same(fake.runs('ghost'), []);
  fake.setRunState(a.id, 'FINISHED', { added: 1, changed: 1, deleted: 1 });
  const [first] = fake.runs();
  if (first?.delta) first.delta.added = 99;
  if (first) first.state = 'MEDDLED';
  t.same(fake.runs()[0], { stackId: 'eks', id: a.id, state: 'FINISHED', delta: { added: 1, changed: 1, deleted: 1 } });
});

t.test('onTrigger listeners run synchronously, with the run already QUEUED, before the client has its answer', async (t) => {
  const { fake, client } = await setup(t);
  const seen: { trigger: RecordedTrigger; runs: string[]; triggers: number }[] = [];
  fake.onTrigger((trigger) => seen.push({ trigger, runs: fake.runs().map((r) => `${r.id}:${r.state}`), triggers: fake.triggers.length }));
  const second: string[] = [];
  fake.onTrigger(({ stackId }) => second.push(stackId));
  const pending = client.triggerRun('eks');
  t.equal(seen.length, 0, 'not before the request arrives');
  const run = await pending;
  t.same(seen, [{ trigger: { stackId: 'eks', runId: run.id, at: fake.triggers[0]?.at }, runs: [`${run.id}:QUEUED`], triggers: 1 }]);
  t.same(second, ['eks'], 'every listener is called');
  fake.inject({ operation: 'runTrigger', kind: 'afterMutation500' });
  await client.triggerRun('rds').catch(() => undefined);
  t.same(second, ['eks', 'rds'], 'an accepted trigger whose answer is lost is still reported');
  await client.triggerRun('ghost').catch(() => undefined);
  t.same(second, ['eks', 'rds'], 'a refused trigger is not');
});

t.test('a listener that throws is logged and does not change the answer', async (t) => {
  const { fake, client } = await setup(t);
  const logged = t.capture(console, 'error');
  fake.onTrigger(() => {
    throw new Error('listener bug');
  });
  const after: string[] = [];
  fake.onTrigger(({ runId }) => after.push(runId));
  const run = await client.triggerRun('eks');
  t.equal(run.state, 'QUEUED');
  t.same(after, [run.id], 'later listeners still run');
  t.match(logged(), [{ args: ['fake-spacelift: an onTrigger listener threw:', { message: 'listener bug' }] }]);
});

t.test('runCancel: QUEUED and READY become CANCELED; other states are refused with a GraphQL error', async (t) => {
  const { fake, client, post } = await setup(t);
  for (const state of ['QUEUED', 'READY']) {
    const run = await client.triggerRun('eks');
    fake.setRunState(run.id, state);
    const body = await post(RUN_CANCEL, { stack: 'eks', run: run.id, note: 'n' });
    t.match(body, { data: { runCancel: { id: run.id, state: 'CANCELED', delta: null } } }, state);
    t.ok(matchesSchema('run-cancel', body));
  }
  for (const state of ['UNCONFIRMED', 'PLANNING', 'APPLYING', 'FINISHED', 'CANCELED', 'DISCARDED']) {
    const run = await client.triggerRun('eks');
    fake.setRunState(run.id, state);
    const body = await post(RUN_CANCEL, { stack: 'eks', run: run.id, note: 'n' });
    t.same(body, { errors: [{ message: `run ${run.id} cannot be canceled in state ${state}`, path: ['runCancel'] }], data: null }, state);
    t.equal(fake.runs().at(-1)?.state, state, 'unchanged');
  }
  const recorded = fake.requests.filter((r) => r.operation === 'runCancel');
  t.equal(recorded.length, 8);
  t.same(recorded[0]?.variables, { stack: 'eks', run: fake.runs()[0]?.id, note: 'n' });
});

t.test('runDiscard: QUEUED, READY and UNCONFIRMED become DISCARDED; other states are refused', async (t) => {
  const { fake, client, post } = await setup(t);
  for (const state of ['QUEUED', 'READY', 'UNCONFIRMED']) {
    const run = await client.triggerRun('eks');
    fake.setRunState(run.id, state, { added: 1, changed: 0, deleted: 0 });
    const body = await post(RUN_DISCARD, { stack: 'eks', run: run.id, note: 'n' });
    t.match(
      body,
      { data: { runDiscard: { id: run.id, state: 'DISCARDED', delta: { addCount: 1, changeCount: 0, deleteCount: 0, resources: 1 } } } },
      state,
    );
    t.ok(matchesSchema('run-discard', body));
  }
  for (const state of ['CONFIRMED', 'APPLYING', 'FINISHED', 'CANCELED']) {
    const run = await client.triggerRun('eks');
    fake.setRunState(run.id, state);
    const body = await post<GraphQLErrorsResponse>(RUN_DISCARD, { stack: 'eks', run: run.id });
    t.same(body.errors, [{ message: `run ${run.id} cannot be discarded in state ${state}`, path: ['runDiscard'] }], state);
  }
  t.equal(fake.requests.filter((r) => r.operation === 'runDiscard').length, 7);
});

t.test('runCancel/runDiscard of an unknown stack or run, or without a run ID, are errors', async (t) => {
  const { client, post } = await setup(t);
  const run = await client.triggerRun('eks');
  for (const spec of [RUN_CANCEL, RUN_DISCARD]) {
    const op = spec.operation;
    t.same((await post<GraphQLErrorsResponse>(spec, { stack: 'ghost', run: run.id })).errors, [
      { message: 'not found: stack ghost', path: [op] },
    ]);
    t.same((await post<GraphQLErrorsResponse>(spec, { stack: 'vpc', run: run.id })).errors, [
      { message: `not found: run ${run.id}`, path: [op] },
    ]);
    t.same((await post<GraphQLErrorsResponse>(spec, { stack: 'eks' })).errors, [
      { message: `fake-spacelift: ${op} needs a run ID`, path: [op] },
    ]);
  }
});

t.test('runCancel and runDiscard take injected faults like every other operation', async (t) => {
  const { fake, client, post } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.inject({ operation: 'runCancel', kind: 'schemaViolation' });
  const broken = await post(RUN_CANCEL, { stack: 'eks', run: run.id });
  t.equal(at(broken, '/data/runCancel/state'), 42);
  t.equal(fake.runs()[0]?.state, 'CANCELED', 'the cancel itself happened');
  const other = await client.triggerRun('rds');
  fake.inject({ operation: 'runDiscard', kind: 'graphqlError', stackId: 'eks', message: 'boom' });
  t.match(await post(RUN_DISCARD, { stack: 'rds', run: other.id }), { data: { runDiscard: { state: 'DISCARDED' } } }, 'stackId filters');
  const third = await client.triggerRun('eks');
  t.same((await post<GraphQLErrorsResponse>(RUN_DISCARD, { stack: 'eks', run: third.id })).errors, [
    { message: 'boom', path: ['runDiscard'] },
  ]);
  fake.inject({ operation: 'runDiscard', kind: 'notFound' });
  t.same((await post<GraphQLErrorsResponse>(RUN_DISCARD, { stack: 'eks', run: third.id })).errors, [
    { message: 'not found: stack eks', path: ['runDiscard'] },
  ]);
});

t.test('every run answer carries delta in GraphQL names and matches its schema', async (t) => {
  const { fake, client, post } = await setup(t, { defaultRunOutcome: FINISHED });
  const trigger = await post<RunTriggerResponse>(RUN_TRIGGER, { stack: 'eks' });
  const id = trigger.data.runTrigger?.id as string;
  t.equal(trigger.data.runTrigger?.delta, null);
  const polled = await post<StackRunResponse>(GET_RUN, { stack: 'eks', run: id });
  t.same(polled.data.stack?.run?.delta, { addCount: 1, changeCount: 0, deleteCount: 2, resources: 3 });
  const listed = await post(LIST_RUNS, { stack: 'eks' });
  for (const [spec, body] of [
    [RUN_TRIGGER, trigger],
    [GET_RUN, polled],
    [LIST_RUNS, listed],
  ] as const) {
    t.ok(matchesSchema(spec.schema, body), spec.operation);
  }
  t.same(
    fake.requests.map((r) => r.operation),
    ['apiKeyUser', 'runTrigger', 'getRun', 'listRuns'],
  );
  t.equal(client.ownsTrigger(`api::${fake.apiKeyId}`), true);
});

t.test('test/support serves the fake of src/fakes/spacelift, where the demo loads it; fault hooks exist only in tests', async (t) => {
  const shipped = await fromSrc.startFakeSpacelift();
  const forTests = await startFakeSpacelift();
  t.teardown(async () => {
    await shipped.close();
    await forTests.close();
  });
  t.equal(Object.getPrototypeOf(forTests), Object.getPrototypeOf(shipped), 'the same fake class');
  t.equal(loadFixtureAccount, fromSrc.loadFixtureAccount);
  for (const hook of ['inject', 'clearFaults', 'setLatency'] as const) {
    t.notOk(hook in shipped, `the shipped fake has no ${hook}`);
    t.equal(typeof forTests[hook], 'function', `test/support's fake has ${hook}`);
  }
  const account = loadFixtureAccount();
  account[0]?.labels?.push('meddled');
  t.notOk(loadFixtureAccount()[0]?.labels?.includes('meddled'), 'each call returns a fresh copy of the account');
});

t.test('Stack.runs(before:) pages back in time; order within a page, page size and addRun are options', async (t) => {
  const { fake, post } = await setup(t, { runsPageSize: 2, runsOrder: 'oldest-first' });
  const ids = [0, 1, 2].map((i) =>
    fake.addRun('eks', { createdAt: 1_767_000_000 + i, triggeredBy: i === 1 ? null : 'jane@acme.example', state: 'FINISHED' }),
  );
  const page = async (before: string | null) =>
    (await post<StackRunsResponse>(LIST_RUNS, { stack: 'eks', before })).data.stack?.runs?.map((r) => r.id);
  t.same(await page(null), [ids[1], ids[2]], 'the newest two, oldest first within the page');
  t.same(await page(ids[1] ?? ''), [ids[0]], 'before: the page after that run, back in time');
  t.same(await page('01NOSUCHRUN000000000000000'), [], 'an unknown cursor answers an empty page');
  t.same(fake.triggers, [], 'addRun is not a runTrigger');
  t.same(
    fake.runs('eks').map((r) => r.state),
    ['FINISHED', 'FINISHED', 'FINISHED'],
  );
  t.throws(() => fake.addRun('ghost'), { message: 'fake-spacelift: no stack ghost' });
  await t.rejects(startFakeSpacelift({ runsPageSize: 0 }), { message: 'fake-spacelift: runsPageSize must be a positive integer, got 0' });
});
