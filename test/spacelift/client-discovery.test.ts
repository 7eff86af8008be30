// Finding dependents: paging through searchStacks in 'scan' and 'label' mode, against the fake server.
import t from 'tap';
import { MockAgent } from 'undici';
import { SpaceliftClient, type SpaceliftClientOptions } from '../../src/spacelift/client';
import { SpaceliftAuthError, SpaceliftTransientError } from '../../src/spacelift/errors';
import { dependsOn } from '../../src/spacelift/labels';
import type { Stack } from '../../src/platform/types';
import { loadFixtureAccount, startFakeSpacelift, type FakeSpaceliftOptions, type FakeStackSpec } from '../support/fake-spacelift';
import { generateStacks } from '../support/generate-stacks';

async function setup(
  t: tap.Test,
  stacks: FakeStackSpec[],
  clientOptions: Partial<SpaceliftClientOptions> = {},
  fakeOptions: FakeSpaceliftOptions = {},
) {
  const fake = await startFakeSpacelift({ stacks, ...fakeOptions });
  const client = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret, ...clientOptions });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  const searches = () => fake.requests.filter((r) => r.operation === 'searchStacks');
  return { fake, client, searches };
}

const confirmed = (stacks: Stack[], id: string) => stacks.filter((s) => s.id !== id && dependsOn(s.labels, id)).map((s) => s.id);

t.test('scan mode pages through the whole account, 50 at a time', async (t) => {
  const stacks = generateStacks({ total: 260, dependentsOf: { stackId: 'root', count: 40 } });
  const { client, searches } = await setup(t, stacks);
  const found = await client.listCandidateDependents('root');
  t.equal(found.length, 260, 'every stack is a candidate');
  t.equal(searches().length, 6, '260 stacks = 5 full pages + 1');
  t.same(new Set(found.map((s) => s.id)).size, 260, 'no stack twice');
  t.equal(confirmed(found, 'root').length, 40);
  const inputs = searches().map((r) => r.variables.input as { first: number; after?: string; predicates?: unknown });
  t.ok(inputs.every((i) => i.first === 50 && i.predicates === undefined));
  t.equal(inputs[0]?.after, undefined, 'the first page has no cursor');
  t.ok(
    inputs.slice(1).every((i) => typeof i.after === 'string' && i.after.length > 0),
    'later pages pass endCursor',
  );
});

t.test('pageSize is honoured and a smaller server cap still pages correctly', async (t) => {
  const stacks = generateStacks({ total: 95 });
  const small = await setup(t, stacks, { pageSize: 10 });
  t.equal((await small.client.listAllStacks()).length, 95);
  t.equal(small.searches().length, 10);
  const capped = await setup(t, stacks, {}, { pageSizeCap: 20 });
  t.equal((await capped.client.listAllStacks()).length, 95);
  t.equal(capped.searches().length, 5, 'the server returned 20 per page although the client asked for 50');
});

t.test('label mode asks the server to filter: one request, only labelled stacks', async (t) => {
  const stacks = generateStacks({ total: 600, dependentsOf: { stackId: 'root', count: 30 } });
  const { client, searches } = await setup(t, stacks, { discovery: 'label' });
  const found = await client.listCandidateDependents('root');
  t.equal(found.length, 30);
  t.equal(confirmed(found, 'root').length, 30);
  t.equal(searches().length, 1, 'versus 12 pages in scan mode');
  t.same((searches()[0]?.variables.input as { predicates: unknown }).predicates, [
    { field: 'label', constraint: { stringMatches: ['dependsOn:root', 'depends-on:root'] } },
  ]);
});

t.test('label mode still pages when there are many dependents', async (t) => {
  const stacks = generateStacks({ total: 400, dependentsOf: { stackId: 'root', count: 120 } });
  const { client, searches } = await setup(t, stacks, { discovery: 'label' });
  t.equal((await client.listCandidateDependents('root')).length, 120);
  t.equal(searches().length, 3);
});

t.test('exact matching: the demo account never confuses net with network', async (t) => {
  for (const discovery of ['scan', 'label'] as const) {
    const { client } = await setup(t, loadFixtureAccount(), { discovery });
    const net = await client.listCandidateDependents('net');
    t.same(confirmed(net, 'net'), discovery === 'scan' ? ['fw'] : [], `${discovery}: only fw depends on net`);
    t.same(confirmed(await client.listCandidateDependents('network'), 'network'), ['dns'], `${discovery}: only dns depends on network`);
    t.same(confirmed(await client.listCandidateDependents('vpc'), 'vpc'), ['eks', 'rds'], `${discovery}: both spellings`);
  }
});

t.test('label mode misses comma lists and odd key case, so scan is the default', async (t) => {
  // Documented limitation: the server can only match whole labels, so "DependsOn: eks, rds" is invisible to it.
  const scan = await setup(t, loadFixtureAccount());
  const label = await setup(t, loadFixtureAccount(), { discovery: 'label' });
  t.same(confirmed(await scan.client.listCandidateDependents('eks'), 'eks'), ['app']);
  t.same(confirmed(await label.client.listCandidateDependents('eks'), 'eks'), []);
  t.same(confirmed(await scan.client.listCandidateDependents('rds'), 'rds'), ['app', 'reports']);
  t.same(confirmed(await label.client.listCandidateDependents('rds'), 'rds'), ['reports']);
});

t.test('nodes carry the selected fields: labels, contexts, state, lock, branch', async (t) => {
  const { client } = await setup(t, loadFixtureAccount());
  const all = await client.listAllStacks();
  const reports = all.find((s) => s.id === 'reports');
  t.match(reports, { name: 'Reporting jobs', isDisabled: true, lockedBy: 'jane@acme.example', state: 'FINISHED', branch: 'main' });
  t.same(
    all.find((s) => s.id === 'eks')?.attachedContexts.map((c) => c.contextId),
    ['aws-prod', 'k8s-admins', 'common-tags'],
  );
  t.equal(all.length, loadFixtureAccount().length);
});

t.test('a 10,000-stack account with 200 dependents', async (t) => {
  const stacks = generateStacks({ total: 10_000, dependentsOf: { stackId: 'core', count: 200 } });
  const scan = await setup(t, stacks);
  const started = Date.now();
  const found = await scan.client.listCandidateDependents('core');
  t.equal(found.length, 10_000);
  t.equal(scan.searches().length, 200);
  t.equal(confirmed(found, 'core').length, 200, 'near-miss labels such as dependsOn:corex are not counted');
  t.ok(Date.now() - started < 20_000, `scan took ${Date.now() - started} ms`);
  const label = await setup(t, stacks, { discovery: 'label' });
  t.equal(confirmed(await label.client.listCandidateDependents('core'), 'core').length, 200);
  t.equal(label.searches().length, 4);
});

t.test('an empty account triggers a viewer check; an ignored token is replaced and the sweep repeated', async (t) => {
  const { fake, client, searches } = await setup(t, [{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }]);
  fake.inject({ operation: 'searchStacks', kind: 'anonymous' });
  fake.inject({ operation: 'viewer', kind: 'anonymous' });
  const found = await client.listCandidateDependents('vpc');
  t.same(
    found.map((s) => s.id),
    ['vpc', 'eks'],
  );
  t.equal(searches().length, 2);
  t.equal(fake.requests.filter((r) => r.operation === 'apiKeyUser').length, 2, 'a fresh token was fetched');
});

t.test('a token that is ignored even after a refresh is a SpaceliftAuthError', async (t) => {
  const { fake, client } = await setup(t, [{ id: 'vpc' }]);
  fake.inject({ operation: 'searchStacks', kind: 'anonymous', times: 2 });
  fake.inject({ operation: 'viewer', kind: 'anonymous', times: 2 });
  const err = await client.listCandidateDependents('vpc').catch((e: unknown) => e);
  t.type(err, SpaceliftAuthError);
  t.match(err, { message: /searchStacks returned no stacks and viewer is null/, context: { stackId: 'vpc' } });
});

t.test('an account that is really empty costs one viewer call and returns []', async (t) => {
  const { fake, client } = await setup(t, []);
  t.same(await client.listCandidateDependents('vpc'), []);
  t.equal(fake.requests.filter((r) => r.operation === 'viewer').length, 1);
});

t.test('paging stops on an empty endCursor and fails on a repeated one', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://acme.app.spacelift.io');
  const node = (id: string) => ({ node: { id, name: id, labels: [], attachedContexts: [] } });
  const page = (ids: string[], endCursor: string | null, hasNextPage: boolean) => ({
    data: { searchStacks: { edges: ids.map(node), pageInfo: { endCursor, hasNextPage } } },
  });
  const graphql = { path: '/graphql', method: 'POST' };
  pool.intercept(graphql).reply(200, { data: { apiKeyUser: { jwt: 'j', validUntil: 4_000_000_000 } } });
  pool.intercept(graphql).reply(200, page(['a'], '', true));
  pool.intercept(graphql).reply(200, page(['b'], 'c1', true));
  pool.intercept(graphql).reply(200, page(['c'], 'c1', true));
  const client = new SpaceliftClient({ endpoint: 'https://acme.app.spacelift.io', apiKeyId: 'K', apiKeySecret: 'S', dispatcher: agent });
  t.same(
    (await client.listAllStacks()).map((s) => s.id),
    ['a'],
    'hasNextPage with an empty cursor ends the sweep',
  );
  const err = await client.listAllStacks().catch((e: unknown) => e);
  t.type(err, SpaceliftTransientError);
  t.match(err, { message: 'searchStacks pagination stuck: cursor repeated after page 2' });
});
