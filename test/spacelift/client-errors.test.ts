// How every kind of failure surfaces: typed error, retryable flag, and context (operation, stack, run, status, path).
import t from 'tap';
import { MockAgent } from 'undici';
import { SpaceliftClient } from '../../src/spacelift/client';
import {
  SpaceliftError,
  SpaceliftNotFoundError,
  SpaceliftRefusedError,
  SpaceliftSchemaError,
  SpaceliftTransientError,
} from '../../src/spacelift/errors';
import { startFakeSpacelift, type Fault, type FaultKind } from '../support/fake-spacelift';

const STACKS = [{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }];

async function setup(t: tap.Test, requestTimeoutMs = 2_000) {
  const fake = await startFakeSpacelift({ stacks: STACKS });
  const client = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret, requestTimeoutMs });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as SpaceliftError,
  );

const transient: [FaultKind, RegExp, number | undefined][] = [
  ['http500', /runTrigger \(stack eks\) failed with HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/graphql/, 500],
  ['http429', /failed with HTTP 429/, 429],
  ['graphqlError', /runTrigger \(stack eks\) failed: internal error/, 200],
  ['timeout', /runTrigger \(stack eks\) timed out after 300 ms/, undefined],
  ['reset', /runTrigger \(stack eks\) connection failed/, undefined],
  ['malformedJson', /runTrigger \(stack eks\) answered malformed JSON \(HTTP 200, 8 bytes\)/, 200],
];

for (const [kind, message, status] of transient) {
  t.test(`${kind} → SpaceliftTransientError, retryable, with context`, async (t) => {
    const { fake, client } = await setup(t, 300);
    await client.verifyCredentials(); // get the token first so the fault hits runTrigger itself
    fake.inject({ operation: 'runTrigger', kind, stackId: 'eks' });
    const started = Date.now();
    const err = await failure(client.triggerRun('eks'));
    t.type(err, SpaceliftTransientError);
    t.equal(err.retryable, true);
    t.match(err.message, message);
    t.match(err.context, { operation: 'runTrigger', stackId: 'eks' });
    t.equal(err.context.status, status);
    if (kind === 'graphqlError') t.equal(err.context.path, 'runTrigger', 'GraphQL path is kept');
    t.ok(Date.now() - started < 2_000, 'fails fast');
    t.same(await client.triggerRun('eks').then((run) => run.state), 'QUEUED', 'the next call works again');
  });
}

// Real refusals quoted in shared/reference/spacelift-api.md §5.1 ("Real messages seen"), plus the fake's own.
const refusals = [
  'no runs found that can be discarded',
  "can't delete stack when it has dependencies; please delete them first",
  'Cannot query field "spaces" on type "Query". Did you mean "space"?',
  'run 01JQ7ZB1EXAMPLERUN00000002 cannot be canceled in state UNCONFIRMED',
];
// The server saying it failed: the fixture's "internal error", and the upstream graph-gophers/graphql-go phrasings.
const serverFailures = [
  'internal error',
  'Internal Server Error',
  'panic occurred: runtime error: invalid memory address or nil pointer dereference',
  'context deadline exceeded',
  'graphql: got nil for non-null "Run"',
  'request timed out, please try again',
  'service unavailable',
];

t.test('a GraphQL refusal is a non-retryable SpaceliftRefusedError; a server failure stays transient', async (t) => {
  const { fake, client } = await setup(t);
  for (const message of refusals) {
    fake.inject({ operation: 'runTrigger', kind: 'graphqlError', stackId: 'eks', message });
    const err = await failure(client.triggerRun('eks'));
    t.type(err, SpaceliftRefusedError, message);
    t.match(err, {
      retryable: false,
      reason: message,
      message: `runTrigger (stack eks) failed: ${message}`,
      context: { path: 'runTrigger', status: 200 },
    });
  }
  for (const message of serverFailures) {
    fake.inject({ operation: 'runTrigger', kind: 'graphqlError', stackId: 'eks', message });
    const err = await failure(client.triggerRun('eks'));
    t.type(err, SpaceliftTransientError, message);
    t.equal(err.retryable, true);
  }
  t.equal(fake.triggerCount('eks'), 0, 'no fault created a run');
});

t.test('faults on the API key exchange surface the same way', async (t) => {
  const { fake, client } = await setup(t, 300);
  fake.inject({ operation: 'apiKeyUser', kind: 'http500' });
  const err = await failure(client.listRunsSince('vpc', 0));
  t.type(err, SpaceliftTransientError);
  t.match(err, { context: { operation: 'apiKeyUser', status: 500 } });
  t.notMatch(err.message, fake.apiKeySecret);
  t.same(await client.listRunsSince('vpc', 0), []);
});

t.test('a schema violation is a non-retryable SpaceliftSchemaError naming the path and value', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ operation: 'searchStacks', kind: 'schemaViolation' });
  const err = await failure(client.listCandidateDependents('vpc'));
  t.type(err, SpaceliftSchemaError);
  t.equal(err.retryable, false);
  t.equal(err.message, 'searchStacks response invalid at /data/searchStacks/edges/0/node/labels: must be array or null (got "oops")');
  t.same(err.context, { operation: 'searchStacks', stackId: 'vpc', status: 200, path: '/data/searchStacks/edges/0/node/labels' });
});

t.test('schema violations in run responses name the run field', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  fake.inject({ operation: 'getRun', kind: 'schemaViolation' });
  const err = await failure(client.getRun('eks', run.id));
  t.type(err, SpaceliftSchemaError);
  t.equal(err.message, 'getRun response invalid at /data/stack/run/state: must be string (got 42)');
  t.match(err.context, { operation: 'getRun', stackId: 'eks', runId: run.id });
  fake.inject({ operation: 'runTrigger', kind: 'schemaViolation' });
  t.match(await failure(client.triggerRun('eks')), { message: /\/data\/runTrigger\/state: must be string \(got 42\)/ });
  fake.inject({ operation: 'listRuns', kind: 'schemaViolation' });
  t.match(await failure(client.listRunsSince('eks', 0)), { message: /\/data\/stack\/runs: must be array or null \(got "oops"\)/ });
});

t.test('an unknown stack is a SpaceliftNotFoundError (error message or null stack)', async (t) => {
  const { fake, client } = await setup(t);
  const trigger = await failure(client.triggerRun('ghost'));
  t.type(trigger, SpaceliftNotFoundError);
  t.equal(trigger.retryable, false);
  t.match(trigger.message, /runTrigger \(stack ghost\) failed: not found: stack ghost/);
  t.same(trigger.context, { operation: 'runTrigger', stackId: 'ghost', status: 200, path: 'runTrigger' });
  const runs = await failure(client.listRunsSince('ghost', 0));
  t.type(runs, SpaceliftNotFoundError);
  t.match(runs.message, /stack ghost not found \(or not visible to API key FAKEKEYID/);
  const getRun = await failure(client.getRun('ghost', '01FAKERUN00000000000000001'));
  t.type(getRun, SpaceliftNotFoundError);
  t.match(getRun.context, { operation: 'getRun', stackId: 'ghost', runId: '01FAKERUN00000000000000001' });
  t.equal(fake.triggers.length, 0);
});

t.test('an unknown run on a known stack is a SpaceliftNotFoundError', async (t) => {
  const { client } = await setup(t);
  const err = await failure(client.getRun('eks', '01NOSUCHRUN000000000000000'));
  t.type(err, SpaceliftNotFoundError);
  t.equal(err.message, 'run 01NOSUCHRUN000000000000000 not found on stack eks');
});

t.test('a run of another stack is not found on this one', async (t) => {
  const { client } = await setup(t);
  const run = await client.triggerRun('eks');
  t.type(await failure(client.getRun('vpc', run.id)), SpaceliftNotFoundError);
});

t.test('the notFound fault works on every stack operation', async (t) => {
  const { fake, client } = await setup(t);
  const faults: Fault[] = [
    { operation: 'runTrigger', kind: 'notFound', stackId: 'eks' },
    { operation: 'listRuns', kind: 'notFound' },
    { operation: 'getRun', kind: 'notFound' },
  ];
  for (const fault of faults) fake.inject(fault);
  t.type(await failure(client.triggerRun('eks')), SpaceliftNotFoundError);
  t.type(await failure(client.listRunsSince('eks', 0)), SpaceliftNotFoundError);
  t.type(await failure(client.getRun('eks', 'x')), SpaceliftNotFoundError);
});

t.test('afterMutation500: the run exists although the client saw HTTP 500', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ operation: 'runTrigger', kind: 'afterMutation500' });
  const err = await failure(client.triggerRun('eks'));
  t.type(err, SpaceliftTransientError);
  t.equal(fake.triggerCount('eks'), 1, 'Spacelift created the run');
  const [adopted] = await client.listRunsSince('eks', 0);
  t.equal(adopted?.id, fake.triggers[0]?.runId);
  t.equal(client.ownsTrigger(adopted?.triggeredBy), true, 'recognisable as ours');
});

t.test('faults filter by operation and stack, and `times` repeats them', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ operation: 'runTrigger', stackId: 'vpc', kind: 'http500', times: 2 });
  t.equal((await client.triggerRun('eks')).state, 'QUEUED', 'another stack is unaffected');
  t.type(await failure(client.triggerRun('vpc')), SpaceliftTransientError);
  t.type(await failure(client.triggerRun('vpc')), SpaceliftTransientError);
  t.equal((await client.triggerRun('vpc')).state, 'QUEUED', 'the fault is used up');
  fake.inject({ operation: 'any', kind: 'graphqlError', message: 'something broke' });
  t.match(await failure(client.listRunsSince('vpc', 0)), { message: /something broke/, context: { operation: 'listRuns' } });
});

t.test('an HTTP 4xx other than 401/403/408/429 is not retryable and is not mistaken for a missing stack', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://acme.app.spacelift.io');
  pool.intercept({ path: '/wrong/graphql', method: 'POST' }).reply(404, 'no such route');
  const client = new SpaceliftClient({
    endpoint: 'https://acme.app.spacelift.io/wrong',
    apiKeyId: 'K',
    apiKeySecret: 'S',
    dispatcher: agent,
  });
  const err = await failure(client.listRunsSince('vpc', 0));
  t.equal(err.constructor, SpaceliftError);
  t.equal(err.retryable, false);
  t.match(err.message, /apiKeyUser failed with HTTP 404 from https:\/\/acme\.app\.spacelift\.io\/wrong\/graphql$/);
  t.notMatch(err.message, /no such route/, 'the apiKeyUser body is never quoted');
});

t.test('constructor options are checked with precise messages', async (t) => {
  const base = { endpoint: 'https://acme.app.spacelift.io', apiKeyId: 'K', apiKeySecret: 'S' };
  t.throws(() => new SpaceliftClient({ ...base, endpoint: 'acme.app.spacelift.io' }), {
    message: "Spacelift endpoint must be an http(s) URL, got 'acme.app.spacelift.io'",
  });
  t.throws(() => new SpaceliftClient({ ...base, endpoint: 'ftp://x' }), { message: /http\(s\) URL/ });
  t.throws(() => new SpaceliftClient({ ...base, apiKeyId: '' }), { message: 'Spacelift apiKeyId must not be empty' });
  t.throws(() => new SpaceliftClient({ ...base, apiKeySecret: '' }), { message: 'Spacelift apiKeySecret for key K must not be empty' });
  t.throws(() => new SpaceliftClient({ ...base, requestTimeoutMs: 0 }), {
    message: 'Spacelift requestTimeoutMs must be a positive integer, got 0',
  });
  t.throws(() => new SpaceliftClient({ ...base, pageSize: 2.5 }), { message: /pageSize must be a positive integer/ });
});
