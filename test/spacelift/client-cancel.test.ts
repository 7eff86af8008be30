// cancelRun: runCancel, then runDiscard when Spacelift refuses, then a non-retryable error naming the run's state.
import t from 'tap';
import { SpaceliftClient, STOP_NOTE } from '../../src/spacelift/client';
import {
  SpaceliftAuthError,
  SpaceliftError,
  SpaceliftNotFoundError,
  SpaceliftSchemaError,
  SpaceliftTransientError,
} from '../../src/spacelift/errors';
import { startFakeSpacelift, type Fault, type FakeSpacelift } from '../support/fake-spacelift';

async function setup(t: tap.Test) {
  const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }] });
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 300,
  });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client };
}

/** The Spacelift operations after the token exchange, in order. */
const calls = (fake: FakeSpacelift) => fake.requests.filter((r) => r.operation !== 'apiKeyUser').map((r) => r.operation);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as SpaceliftError,
  );

t.test('a QUEUED or READY run is cancelled with runCancel and a note; runDiscard is not needed', async (t) => {
  const { fake, client } = await setup(t);
  for (const state of ['QUEUED', 'READY']) {
    const run = await client.triggerRun('eks');
    fake.setRunState(run.id, state);
    const stopped = await client.cancelRun('eks', run.id);
    t.match(stopped, { id: run.id, state: 'CANCELED', branch: 'main', triggeredBy: `api::${fake.apiKeyId}`, delta: null }, state);
    t.match(fake.requests.at(-1), { operation: 'runCancel' });
    t.same(fake.requests.at(-1)?.variables, { stack: 'eks', run: run.id, note: STOP_NOTE });
  }
  t.equal(STOP_NOTE, 'cancelled by spacelift-cascade');
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runTrigger', 'runCancel']);
  t.same(
    fake.runs().map((r) => r.state),
    ['CANCELED', 'CANCELED'],
  );
});

t.test('an UNCONFIRMED run is refused by runCancel and discarded instead, keeping its delta', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.setRunState(run.id, 'UNCONFIRMED', { added: 2, changed: 0, deleted: 1 });
  const stopped = await client.cancelRun('eks', run.id);
  t.match(stopped, { id: run.id, state: 'DISCARDED' });
  t.same(stopped.delta, { added: 2, changed: 0, deleted: 1 });
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runDiscard']);
  t.same(fake.requests.at(-1)?.variables, { stack: 'eks', run: run.id, note: STOP_NOTE });
  t.same(fake.runs('eks'), [{ stackId: 'eks', id: run.id, state: 'DISCARDED', delta: { added: 2, changed: 0, deleted: 1 } }]);
});

t.test('a run Spacelift will not stop is a non-retryable SpaceliftError naming its state and both refusals', async (t) => {
  const { fake, client } = await setup(t);
  for (const state of ['APPLYING', 'FINISHED', 'CONFIRMED']) {
    const run = await client.triggerRun('eks');
    fake.setRunState(run.id, state);
    fake.requests.length = 0;
    const err = await failure(client.cancelRun('eks', run.id));
    t.equal(err.constructor, SpaceliftError, `${state}: the plain base class`);
    t.equal(err.retryable, false);
    t.equal(
      err.message,
      `run ${run.id} on stack eks could not be stopped: it is ${state} ` +
        `(runCancel: run ${run.id} cannot be canceled in state ${state}; runDiscard: run ${run.id} cannot be discarded in state ${state})`,
    );
    t.same(err.context, { operation: 'runCancel', stackId: 'eks', runId: run.id });
    t.same(calls(fake), ['runCancel', 'runDiscard', 'getRun'], 'the state is read back with getRun');
    t.equal(fake.runs().at(-1)?.state, state, 'the run was left alone');
  }
});

t.test('a retry after a lost runCancel answer finds the run CANCELED and resolves with it', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.inject({ operation: 'runCancel', kind: 'afterMutation500' });
  t.type(await failure(client.cancelRun('eks', run.id)), SpaceliftTransientError, 'the first attempt saw HTTP 500');
  t.equal(fake.runs()[0]?.state, 'CANCELED', 'but Spacelift cancelled the run');
  const again = await client.cancelRun('eks', run.id);
  t.match(again, { id: run.id, state: 'CANCELED' });
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runCancel', 'runDiscard', 'getRun']);
  fake.setRunState(run.id, 'DISCARDED');
  t.equal((await client.cancelRun('eks', run.id)).state, 'DISCARDED', 'already discarded is stopped too');
});

t.test('failures other than a GraphQL refusal are thrown as they are, without trying runDiscard', async (t) => {
  const cases: [Fault['kind'], new (...args: never[]) => SpaceliftError, boolean][] = [
    ['http500', SpaceliftTransientError, true],
    ['http429', SpaceliftTransientError, true],
    ['timeout', SpaceliftTransientError, true],
    ['reset', SpaceliftTransientError, true],
    ['malformedJson', SpaceliftTransientError, true],
    ['schemaViolation', SpaceliftSchemaError, false],
    ['notFound', SpaceliftNotFoundError, false],
  ];
  for (const [kind, type, retryable] of cases) {
    const { fake, client } = await setup(t);
    const run = await client.triggerRun('eks');
    fake.inject({ operation: 'runCancel', kind, stackId: 'eks' });
    const err = await failure(client.cancelRun('eks', run.id));
    t.type(err, type, kind);
    t.equal(err.retryable, retryable, `${kind}: retryable ${retryable}`);
    t.match(err.context, { operation: 'runCancel', stackId: 'eks', runId: run.id });
    t.same(calls(fake), ['runTrigger', 'runCancel'], `${kind}: runDiscard not tried`);
  }
});

t.test('unauthorized twice is a SpaceliftAuthError, not a refusal', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.inject({ operation: 'runCancel', kind: 'unauthorized', times: 2 });
  t.type(await failure(client.cancelRun('eks', run.id)), SpaceliftAuthError);
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runCancel']);
  t.equal(fake.runs()[0]?.state, 'QUEUED');
});

t.test('a transient failure of the runDiscard fallback, or of the getRun read-back, is thrown and retryable', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.setRunState(run.id, 'UNCONFIRMED');
  fake.inject({ operation: 'runDiscard', kind: 'http500' });
  const discard = await failure(client.cancelRun('eks', run.id));
  t.type(discard, SpaceliftTransientError);
  t.match(discard.context, { operation: 'runDiscard', stackId: 'eks', runId: run.id, status: 500 });
  fake.setRunState(run.id, 'APPLYING');
  fake.inject({ operation: 'getRun', kind: 'http429' });
  const readBack = await failure(client.cancelRun('eks', run.id));
  t.type(readBack, SpaceliftTransientError);
  t.match(readBack.context, { operation: 'getRun', runId: run.id });
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runDiscard', 'runCancel', 'runDiscard', 'getRun']);
});

t.test('any other refusal of runCancel also falls back to runDiscard', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.inject({ operation: 'runCancel', kind: 'graphqlError', message: 'stack is locked by jane@acme.example' });
  t.equal((await client.cancelRun('eks', run.id)).state, 'DISCARDED', 'a QUEUED run can be discarded too');
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runDiscard']);
});

t.test('a GraphQL error saying the server failed is thrown, retryable, without trying runDiscard', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.inject({ operation: 'runCancel', kind: 'graphqlError', message: 'internal error' });
  const err = await failure(client.cancelRun('eks', run.id));
  t.type(err, SpaceliftTransientError);
  t.equal(err.retryable, true);
  t.same(calls(fake), ['runTrigger', 'runCancel']);
  t.equal((await client.cancelRun('eks', run.id)).state, 'CANCELED', 'the retry cancels it');
});

t.test('an unknown run or stack is a SpaceliftNotFoundError from runCancel', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  const unknownRun = await failure(client.cancelRun('eks', '01NOSUCHRUN000000000000000'));
  t.type(unknownRun, SpaceliftNotFoundError);
  t.equal(unknownRun.message, 'runCancel (stack eks, run 01NOSUCHRUN000000000000000) failed: not found: run 01NOSUCHRUN000000000000000');
  t.type(await failure(client.cancelRun('vpc', run.id)), SpaceliftNotFoundError, "another stack's run");
  t.match(await failure(client.cancelRun('ghost', run.id)), { message: /not found: stack ghost/, retryable: false });
  t.same(calls(fake), ['runTrigger', 'runCancel', 'runCancel', 'runCancel']);
  t.equal(fake.runs()[0]?.state, 'QUEUED');
});
