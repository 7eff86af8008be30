// Triggering runs, reading their state and recent runs, and checking credentials, against the fake server.
import t from 'tap';
import { MockAgent } from 'undici';
import { SpaceliftClient } from '../../src/spacelift/client';
import { SpaceliftTransientError } from '../../src/spacelift/errors';
import { GET_RUN, LIST_RUNS, RUN_CANCEL, RUN_DISCARD, RUN_TRIGGER } from '../../src/spacelift/queries';
import { startFakeSpacelift, type FakeSpaceliftOptions } from '../support/fake-spacelift';

async function setup(t: tap.Test, options: FakeSpaceliftOptions = {}, requestTimeoutMs = 2_000) {
  const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }, { id: 'eks', branch: 'prod', labels: ['dependsOn:vpc'] }], ...options });
  const client = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret, requestTimeoutMs });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client };
}

t.test('triggerRun returns the queued tracked run Spacelift created', async (t) => {
  const clock = 1_767_101_000_123;
  const { fake, client } = await setup(t, { now: () => clock });
  const run = await client.triggerRun('eks');
  t.match(run, { branch: 'prod', state: 'QUEUED', type: 'TRACKED', createdAt: 1_767_101_000, triggeredBy: `api::${fake.apiKeyId}` });
  t.match(run.id, /^[0-9A-Z]{26}$/, 'a ULID-like id');
  t.same(fake.triggers, [{ stackId: 'eks', runId: run.id, at: clock }]);
  t.equal(client.ownsTrigger(run.triggeredBy), true);
  t.equal(fake.requests.at(-1)?.variables.stack, 'eks');
});

t.test('getRun follows the state set on the fake', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('vpc');
  t.equal((await client.getRun('vpc', run.id)).state, 'QUEUED');
  for (const state of ['PLANNING', 'UNCONFIRMED', 'APPLYING', 'FINISHED']) {
    fake.setRunState(run.id, state);
    t.equal((await client.getRun('vpc', run.id)).state, state);
  }
  t.throws(() => fake.setRunState('nope', 'FAILED'), { message: 'fake-spacelift: no run nope' });
  t.match(fake.requests.filter((r) => r.operation === 'getRun').at(-1)?.variables, { stack: 'vpc', run: run.id });
});

t.test('listRunsSince answers the stack’s runs created since, and only that stack’s', async (t) => {
  let clock = 1_767_000_000_000;
  const { fake, client } = await setup(t, { now: () => clock });
  const first = await client.triggerRun('eks');
  clock += 60_000;
  await client.triggerRun('vpc');
  const second = await client.triggerRun('eks');
  t.same((await client.listRunsSince('eks', 0)).map((r) => r.id).sort(), [first.id, second.id].sort());
  t.same(
    (await client.listRunsSince('eks', 1_767_000_060)).map((r) => r.id),
    [second.id],
    'older runs are left out',
  );
  t.same((await client.listRunsSince('vpc', 0)).length, 1);
  t.same(
    fake.requests.filter((r) => r.operation === 'listRuns').at(0)?.variables,
    { stack: 'eks', before: null },
    'the first page has no cursor',
  );
});

for (const runsOrder of ['newest-first', 'oldest-first'] as const) {
  t.test(`listRunsSince pages back with runs(before:) while runs are recent (${runsOrder} within a page)`, async (t) => {
    let clock = 1_767_000_000_000;
    const { fake, client } = await setup(t, { now: () => clock, runsPageSize: 2, runsOrder });
    const old = fake.addRun('eks', { createdAt: 1_766_000_000, triggeredBy: `api::${fake.apiKeyId}` });
    fake.addRun('eks', { createdAt: 1_766_000_100, triggeredBy: 'jane@acme.example' });
    const ours = await client.triggerRun('eks');
    for (let i = 0; i < 3; i++) {
      clock += 1_000;
      fake.addRun('eks', { triggeredBy: 'jane@acme.example' });
    }
    // Newest first, pages of 2: [j3 j2] [j1 ours] [old-jane old]: ours is on page 2, page 3 holds nothing recent.
    const runs = await client.listRunsSince('eks', 1_767_000_000);
    t.equal(runs.length, 4, 'every recent run, each once');
    t.ok(
      runs.some((run) => run.id === ours.id && client.ownsTrigger(run.triggeredBy)),
      'ours is found on page 2',
    );
    t.notOk(
      runs.some((run) => run.id === old),
      'the old run is not recent',
    );
    const cursors = fake.requests.filter((r) => r.operation === 'listRuns').map((r) => r.variables.before);
    t.equal(cursors.length, 3, 'page 3 is read (page 2 still held recent runs) and then it stops');
    t.equal(cursors[0], null);
    t.equal(cursors[2], ours.id, 'each cursor is the oldest run of the page before, whatever the order in the page');
  });
}

t.test('listRunsSince stops when the server ignores the cursor, and after 10 pages', async (t) => {
  let clock = 1_767_000_000_000;
  const { fake, client } = await setup(t, { now: () => clock, runsPageSize: 1 });
  for (let i = 0; i < 12; i++) {
    clock += 1_000;
    await client.triggerRun('eks');
  }
  const runs = await client.listRunsSince('eks', 0);
  t.equal(runs.length, 10, 'the page cap: 10 pages of 1');
  t.equal(fake.requests.filter((r) => r.operation === 'listRuns').length, 10);

  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://acme.app.spacelift.io');
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { data: { apiKeyUser: { jwt: 'j', validUntil: 4_000_000_000 } } });
  const page = {
    data: {
      stack: {
        id: 'eks',
        runs: [
          { id: 'R2', branch: 'main', state: 'QUEUED', createdAt: 1_767_000_001 },
          { id: 'R1', branch: 'main', state: 'QUEUED', createdAt: 1_767_000_000 },
        ],
      },
    },
  };
  pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, page).times(2);
  const stuck = new SpaceliftClient({ endpoint: 'https://acme.app.spacelift.io', apiKeyId: 'K', apiKeySecret: 'S', dispatcher: agent });
  t.same(
    (await stuck.listRunsSince('eks', 0)).map((r) => r.id),
    ['R2', 'R1'],
    'the same page twice ends the paging',
  );
  agent.assertNoPendingInterceptors();
});

t.test('a fake stamping the shortened triggeredBy: the client still knows its runs', async (t) => {
  const { fake, client } = await setup(t, { triggeredByForm: 'short', apiKeyName: 'DevopsSpaceKey' });
  const run = await client.triggerRun('eks');
  t.equal(run.triggeredBy, `api::${fake.apiKeyId.slice(0, 7)}::DevopsSpaceKey`);
  t.equal(client.ownsTrigger(run.triggeredBy), true);
  const [listed] = await client.listRunsSince('eks', 0);
  t.equal(client.ownsTrigger(listed?.triggeredBy), true);
});

t.test('verifyCredentials exchanges the key and names the viewer', async (t) => {
  const { fake, client } = await setup(t);
  t.same(await client.verifyCredentials(), { viewer: 'spacelift-cascade (fake)' });
  t.same(
    fake.requests.map((r) => r.operation),
    ['apiKeyUser', 'viewer'],
  );
});

t.test('latency below the timeout is tolerated; above it is a transient timeout', async (t) => {
  const { fake, client } = await setup(t, { latencyMs: 50 }, 300);
  t.equal((await client.triggerRun('eks')).state, 'QUEUED');
  fake.setLatency(1_000);
  const err = await client.triggerRun('eks').catch((e: unknown) => e);
  t.type(err, SpaceliftTransientError);
  t.match(err, { message: /timed out after 300 ms/, retryable: true });
  t.equal(fake.triggerCount('eks'), 1, 'the slow request had not reached runTrigger when the client gave up');
});

t.test('close() resolves promptly with a request still hanging on the fake', async (t) => {
  const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }] });
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 5_000,
  });
  await client.verifyCredentials();
  fake.inject({ operation: 'runTrigger', kind: 'timeout' });
  const pending = client.triggerRun('vpc').catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await fake.close();
  t.type(await pending, SpaceliftTransientError, 'the hung request fails once the fake goes away');
  await client.close();
  t.ok(Date.now() - started < 1_000, `closed in ${Date.now() - started} ms`);
});

t.test('every run selection asks for delta in GraphQL names', async (t) => {
  for (const spec of [RUN_TRIGGER, GET_RUN, LIST_RUNS, RUN_CANCEL, RUN_DISCARD]) {
    t.match(spec.query, 'delta { addCount changeCount deleteCount resources }', spec.operation);
  }
  t.match(RUN_CANCEL.query, 'runCancel(stack: $stack, run: $run, note: $note)');
  t.match(
    RUN_DISCARD.query,
    /\$run: ID!.*runDiscard\(stack: \$stack, run: \$run, note: \$note\)/,
    'run is required: never discard another run',
  );
});

t.test('delta is mapped to {added, changed, deleted} on every run the client returns; null stays null', async (t) => {
  const { fake, client } = await setup(t);
  const run = await client.triggerRun('eks');
  t.equal(run.delta, null, 'a queued run has no delta yet');
  t.equal((await client.getRun('eks', run.id)).delta, null);
  fake.setRunState(run.id, 'FINISHED', { added: 1, changed: 2, deleted: 3 });
  const finished = await client.getRun('eks', run.id);
  t.same(finished.delta, { added: 1, changed: 2, deleted: 3 }, 'resources is not carried over');
  t.notOk('addCount' in (finished as object), 'no GraphQL names leak onto the Run');
  t.same((await client.listRunsSince('eks', 0))[0]?.delta, { added: 1, changed: 2, deleted: 3 });
  fake.setRunState(run.id, 'FINISHED', null);
  t.equal((await client.getRun('eks', run.id)).delta, null);
});

t.test('delta from a raw response: mapped, absent stays absent, other fields pass through, bad counts rejected', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://acme.app.spacelift.io');
  const graphql = { path: '/graphql', method: 'POST' };
  const run = (extra: Record<string, unknown>) => ({
    data: { stack: { id: 'eks', run: { id: 'R1', branch: 'main', state: 'FINISHED', updatedAt: 9, ...extra } } },
  });
  pool.intercept(graphql).reply(200, { data: { apiKeyUser: { jwt: 'j', validUntil: 4_000_000_000 } } });
  pool.intercept(graphql).reply(200, run({ delta: { addCount: 0, changeCount: 4, deleteCount: 0, resources: 12 } }));
  pool.intercept(graphql).reply(200, run({}));
  pool.intercept(graphql).reply(200, run({ delta: { addCount: 1, changeCount: 0 } }));
  pool.intercept(graphql).reply(200, run({ delta: { addCount: 1.5, changeCount: 0, deleteCount: 0 } }));
  const client = new SpaceliftClient({ endpoint: 'https://acme.app.spacelift.io', apiKeyId: 'K', apiKeySecret: 'S', dispatcher: agent });
  t.same(await client.getRun('eks', 'R1'), {
    id: 'R1',
    branch: 'main',
    state: 'FINISHED',
    updatedAt: 9,
    delta: { added: 0, changed: 4, deleted: 0 },
  });
  const bare = await client.getRun('eks', 'R1');
  t.notOk('delta' in bare, 'a response without delta gives a Run without delta');
  await t.rejects(client.getRun('eks', 'R1'), {
    name: 'SpaceliftSchemaError',
    message: /delta: must have required property 'deleteCount'/,
  });
  await t.rejects(client.getRun('eks', 'R1'), { message: /\/data\/stack\/run\/delta\/addCount: must be integer or null \(got 1\.5\)/ });
});
