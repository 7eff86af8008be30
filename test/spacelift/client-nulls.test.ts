// Answers with null where no public source promises a value (schemas/spacelift-*.json): the client reads them,
// from the null-variant fixtures served as they are, and from the fake serving the same shapes.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MockAgent } from 'undici';
import { ASSUMED_TOKEN_LIFETIME_S } from '../../src/spacelift/auth';
import { SpaceliftClient } from '../../src/spacelift/client';
import { SpaceliftAuthError, SpaceliftTransientError } from '../../src/spacelift/errors';
import { startFakeSpacelift } from '../support/fake-spacelift';

const fixture = (name: string): object =>
  JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/spacelift', name), 'utf8')) as object;
const NOW = 1_767_101_000_000;
const GRAPHQL = { path: '/graphql', method: 'POST' };

/** A client whose every answer comes from `answers`, in order, after a key exchange answered `grant`. */
function clientAnswering(t: tap.Test, answers: object[], grant: object = fixture('api-key-user.ok.json')) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://acme.app.spacelift.io');
  pool.intercept(GRAPHQL).reply(200, grant);
  for (const answer of answers) pool.intercept(GRAPHQL).reply(200, answer);
  return {
    client: new SpaceliftClient({
      endpoint: 'https://acme.app.spacelift.io',
      apiKeyId: '01HZZZEXAMPLEKEY0000000000',
      apiKeySecret: 'S',
      dispatcher: agent,
      now: () => NOW,
    }),
    agent,
  };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as Error,
  );

t.test('a run with a null branch, type, createdAt and triggeredBy, and a delta with a null count', async (t) => {
  const { client } = clientAnswering(t, [fixture('run-trigger.branch-null.json'), fixture('stack-run.nulls.json')]);
  const run = await client.triggerRun('eks');
  t.same(run, {
    id: '01JQ7Z9EXAMPLERUN000000003',
    branch: null,
    state: 'QUEUED',
    type: 'TRACKED',
    createdAt: 1767101000,
    triggeredBy: 'api::01HZZZE::spacelift-cascade',
    delta: null,
  });
  t.equal(client.ownsTrigger(run.triggeredBy), true, 'the shortened triggeredBy is ours');
  const polled = await client.getRun('eks', run.id);
  t.same(
    polled,
    { id: run.id, branch: null, state: 'FINISHED', type: null, createdAt: null, triggeredBy: null, delta: null },
    'a null count makes delta unknown',
  );
});

t.test('a page of runs with nulls, and runs: null, read as runs and as an empty page', async (t) => {
  const { client } = clientAnswering(t, [
    fixture('stack-runs.nulls.json'),
    fixture('stack-runs.nulls.json'),
    fixture('stack-runs.runs-null.json'),
  ]);
  const runs = await client.listRunsSince('eks', 1767100000);
  t.same(
    runs.map((run) => run.id),
    ['01JQ7Z9EXAMPLERUN000000003'],
    'a run without createdAt cannot be shown to be recent',
  );
  const empty = clientAnswering(t, [fixture('stack-runs.runs-null.json')]);
  t.same(await empty.client.listRunsSince('eks', 0), []);
});

t.test('stacks with a null name, labels and attachedContexts read as the ID and none', async (t) => {
  const { client } = clientAnswering(t, [fixture('search-stacks.nulls.json')]);
  const stacks = await client.listAllStacks();
  t.same(stacks[0], {
    id: 'legacy-dns',
    name: 'legacy-dns',
    labels: [],
    attachedContexts: [],
    state: null,
    isDisabled: null,
    lockedBy: null,
    branch: null,
  });
  t.same(stacks[1]?.attachedContexts, [{ contextId: 'smtp', contextName: null, priority: null }]);
});

t.test('a null runTrigger is transient (the retry looks for the run first); a null runCancel falls back to runDiscard', async (t) => {
  const trigger = clientAnswering(t, [fixture('run-trigger.null.json')]);
  const err = await failure(trigger.client.triggerRun('eks'));
  t.type(err, SpaceliftTransientError);
  t.equal(err.message, 'runTrigger (stack eks) answered no run and no error');
  const discarded = { data: { runDiscard: { id: 'R', state: 'DISCARDED' } } };
  const cancel = clientAnswering(t, [fixture('run-cancel.null.json'), discarded]);
  t.same(await cancel.client.cancelRun('eks', 'R'), { id: 'R', state: 'DISCARDED' });
  cancel.agent.assertNoPendingInterceptors();
});

t.test('viewer: a null name is named by its ID', async (t) => {
  const { client } = clientAnswering(t, [fixture('viewer.name-null.json')]);
  t.same(await client.verifyCredentials(), { viewer: 'api::01HZZZEXAMPLEKEY0000000000' });
});

t.test('apiKeyUser: a null validUntil assumes the documented 1 h lifetime; a null jwt is a rejected key', async (t) => {
  const answers = [fixture('viewer.ok.json'), fixture('viewer.ok.json')];
  let clock = NOW;
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://acme.app.spacelift.io');
  pool.intercept(GRAPHQL).reply(200, fixture('api-key-user.valid-until-null.json'));
  for (const answer of answers) pool.intercept(GRAPHQL).reply(200, answer);
  pool.intercept(GRAPHQL).reply(200, fixture('api-key-user.valid-until-null.json'));
  const client = new SpaceliftClient({
    endpoint: 'https://acme.app.spacelift.io',
    apiKeyId: 'K',
    apiKeySecret: 'S',
    dispatcher: agent,
    now: () => clock,
  });
  await client.verifyCredentials();
  clock += (ASSUMED_TOKEN_LIFETIME_S - 120) * 1000;
  await client.verifyCredentials();
  t.equal(ASSUMED_TOKEN_LIFETIME_S, 3600);
  t.equal(agent.pendingInterceptors().length, 1, 'the token is reused within the assumed hour (one exchange left unused)');

  const noJwt = clientAnswering(t, [], { data: { apiKeyUser: { jwt: null, validUntil: null } } });
  const err = await failure(noJwt.client.verifyCredentials());
  t.type(err, SpaceliftAuthError);
  t.equal(err.message, 'API key 01HZZZEXAMPLEKEY0000000000 was not exchanged: apiKeyUser answered no jwt');
});

t.test('the fake serves a null branch, name and labels, and the client reads them', async (t) => {
  const fake = await startFakeSpacelift({ stacks: [{ id: 'dns', name: null, labels: null, branch: null, attachedContexts: null }] });
  const client = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  t.match(await client.listAllStacks(), [{ id: 'dns', name: 'dns', labels: [], attachedContexts: [], branch: null }]);
  const run = await client.triggerRun('dns');
  t.equal(run.branch, null);
  t.equal((await client.getRun('dns', run.id)).branch, null);
  t.equal((await client.listRunsSince('dns', 0))[0]?.branch, null);
});
