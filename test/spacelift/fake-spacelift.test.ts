// The fake server speaks the wire protocol directly here (plain fetch, no client), and every answer it gives is
// checked against the same schemas the client uses, so the fake cannot drift from fixtures and client.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  API_KEY_USER,
  GET_RUN,
  LIST_RUNS,
  RUN_TRIGGER,
  SEARCH_STACKS,
  VIEWER,
  type ApiKeyUserResponse,
  type GraphQLErrorsResponse,
  type OperationSpec,
  type RunTriggerResponse,
  type SearchInput,
  type SearchStacksResponse,
  type ViewerResponse,
} from '../../src/spacelift/queries';
import { matchesSchema } from '../../src/spacelift/validate';
import { parseDependsOn } from '../../src/spacelift/labels';
import { loadFixtureAccount, startFakeSpacelift, type FakeSpaceliftOptions } from '../support/fake-spacelift';
import { generateStacks } from '../support/generate-stacks';
import { at } from '../support/json';

async function setup(t: tap.Test, options: FakeSpaceliftOptions = {}) {
  const fake = await startFakeSpacelift({ stacks: loadFixtureAccount(), ...options });
  t.teardown(() => fake.close());
  /** `body` is typed as the answer the caller expects (T), unchecked: the tests check answers with matchesSchema. */
  const post = async <T = unknown>(spec: OperationSpec, variables: Record<string, unknown>, jwt?: string) => {
    const res = await fetch(`${fake.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
      body: JSON.stringify({ query: spec.query, variables }),
    });
    const text = await res.text();
    return { status: res.status, text, body: (text.startsWith('{') && text.endsWith('}') ? JSON.parse(text) : undefined) as T };
  };
  const login = async () =>
    (await post<ApiKeyUserResponse>(API_KEY_USER, { id: fake.apiKeyId, secret: fake.apiKeySecret })).body.data.apiKeyUser?.jwt as string;
  return { fake, post, login };
}

t.test('every healthy answer matches its schema', async (t) => {
  const { post, login } = await setup(t);
  const jwt = await login();
  const trigger = await post<RunTriggerResponse>(RUN_TRIGGER, { stack: 'eks' }, jwt);
  const runId = trigger.body.data.runTrigger?.id;
  const cases: [OperationSpec, Record<string, unknown>][] = [
    [API_KEY_USER, { id: 'FAKEKEYID00000000000000000', secret: 'fake-api-key-secret' }],
    [API_KEY_USER, { id: 'nope', secret: 'x' }],
    [SEARCH_STACKS, { input: { first: 3 } }],
    [SEARCH_STACKS, { input: { first: 3, predicates: [{ field: 'label', constraint: { stringMatches: ['dependsOn:vpc'] } }] } }],
    [RUN_TRIGGER, { stack: 'vpc' }],
    [GET_RUN, { stack: 'eks', run: runId }],
    [GET_RUN, { stack: 'eks', run: 'missing' }],
    [GET_RUN, { stack: 'ghost', run: runId }],
    [LIST_RUNS, { stack: 'eks' }],
    [LIST_RUNS, { stack: 'ghost' }],
    [VIEWER, {}],
  ];
  t.ok(matchesSchema('run-trigger', trigger.body));
  for (const [spec, variables] of cases) {
    const { status, body } = await post(spec, variables, jwt);
    t.equal(status, 200);
    t.ok(matchesSchema(spec.schema, body), `${spec.operation} ${JSON.stringify(variables)} matches ${spec.schema}`);
  }
});

t.test('error answers are HTTP 200 GraphQL errors with a path and data:null', async (t) => {
  const { fake, post, login } = await setup(t);
  const anonymous = await post(SEARCH_STACKS, { input: { first: 5 } });
  t.same(anonymous, {
    status: 200,
    text: anonymous.text,
    body: { errors: [{ message: 'unauthorized', path: ['searchStacks'] }], data: null },
  });
  const wrongSecret = await post(API_KEY_USER, { id: fake.apiKeyId, secret: 'wrong' });
  t.same(wrongSecret.body, { errors: [{ message: 'unauthorized', path: ['apiKeyUser'] }], data: null });
  const jwt = await login();
  const ghost = await post(RUN_TRIGGER, { stack: 'ghost' }, jwt);
  t.same(ghost.body, { errors: [{ message: 'not found: stack ghost', path: ['runTrigger'] }], data: null });
  const badCursor = await post<GraphQLErrorsResponse>(SEARCH_STACKS, { input: { first: 5, after: 'bm90LWpzb24' } }, jwt);
  t.equal(badCursor.body.errors[0].message, 'invalid cursor');
  for (const body of [anonymous.body, wrongSecret.body, ghost.body, badCursor.body]) t.ok(matchesSchema('graphql-errors', body));
  t.same(await post(API_KEY_USER, { id: 'WRONG', secret: fake.apiKeySecret }).then((r) => r.body), { data: { apiKeyUser: null } });
});

t.test('tokens expire at validUntil by the injected clock, and expireTokens revokes them all', async (t) => {
  let clock = 1_767_000_000_000;
  const { fake, post, login } = await setup(t, { now: () => clock, tokenTtlSeconds: 600 });
  const exchange = await post<ApiKeyUserResponse>(API_KEY_USER, { id: fake.apiKeyId, secret: fake.apiKeySecret });
  t.equal(exchange.body.data.apiKeyUser?.validUntil, 1_767_000_600);
  const jwt = exchange.body.data.apiKeyUser?.jwt as string;
  t.match(jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'three JWT-like segments');
  clock += 599_999;
  t.ok((await post<ViewerResponse>(VIEWER, {}, jwt)).body.data?.viewer, 'valid one millisecond before validUntil');
  clock += 1;
  t.equal((await post<GraphQLErrorsResponse>(VIEWER, {}, jwt)).body.errors?.[0].message, 'unauthorized', 'expired at validUntil');
  const fresh = await login();
  fake.expireTokens();
  t.equal((await post<GraphQLErrorsResponse>(VIEWER, {}, fresh)).body.errors?.[0].message, 'unauthorized');
  t.equal((await post<GraphQLErrorsResponse>(VIEWER, {}, 'made-up')).body.errors?.[0].message, 'unauthorized');
});

t.test('searchStacks: first is capped, cursors are opaque base64, label matches are exact', async (t) => {
  const { post, login } = await setup(t, { pageSizeCap: 4 });
  const jwt = await login();
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    // Annotated: `after` comes from the page before, a loop TypeScript does not infer through.
    const input: SearchInput = { first: 100, ...(after ? { after } : {}) };
    const { body } = await post<SearchStacksResponse>(SEARCH_STACKS, { input }, jwt);
    const { edges, pageInfo } = body.data.searchStacks;
    pages += 1;
    t.ok(edges.length <= 4, 'capped at pageSizeCap');
    ids.push(...edges.map((e) => e.node.id));
    if (!pageInfo.hasNextPage) break;
    t.match(pageInfo.endCursor, /^[A-Za-z0-9_-]+$/);
    after = pageInfo.endCursor;
  }
  t.equal(pages, 3);
  t.same(
    ids,
    loadFixtureAccount().map((s) => s.id),
  );
  const match = (labels: string[]) => ({ input: { first: 50, predicates: [{ field: 'label', constraint: { stringMatches: labels } }] } });
  const found = async (labels: string[]) =>
    (await post<SearchStacksResponse>(SEARCH_STACKS, match(labels), jwt)).body.data.searchStacks.edges.map((e) => e.node.id);
  t.same(await found(['dependsOn:net', 'depends-on:net']), [], 'no substring or prefix matching');
  t.same(await found(['dependsOn:network']), ['dns']);
  t.same(await found(['dependsOn:vpc', 'depends-on:vpc']), ['eks', 'rds']);
});

t.test('fault kinds produce their documented answers', async (t) => {
  const { fake, post, login } = await setup(t);
  const jwt = await login();
  fake.inject({ operation: 'viewer', kind: 'malformedJson' });
  t.same(await post(VIEWER, {}, jwt).then((r) => [r.status, r.text]), [200, '{"data":']);
  fake.inject({ operation: 'viewer', kind: 'http429' });
  t.equal((await post(VIEWER, {}, jwt)).status, 429);
  fake.inject({ operation: 'viewer', kind: 'graphqlError', message: 'boom' });
  t.same((await post(VIEWER, {}, jwt)).body, { errors: [{ message: 'boom', path: ['viewer'] }], data: null });
  fake.inject({ operation: 'searchStacks', kind: 'schemaViolation' });
  const broken = await post(SEARCH_STACKS, { input: { first: 2 } }, jwt);
  t.equal(at(broken.body, '/data/searchStacks/edges/0/node/labels'), 'oops');
  t.notOk(matchesSchema('search-stacks', broken.body));
  fake.inject({ operation: 'viewer', kind: 'reset' });
  await t.rejects(post(VIEWER, {}, jwt), 'the socket is destroyed');
  t.ok(matchesSchema('viewer', (await post(VIEWER, {}, jwt)).body), 'faults are used up');
});

t.test('requests are recorded with operation, variables, authorization and time', async (t) => {
  const { fake, post, login } = await setup(t, { now: () => 42_000 });
  const jwt = await login();
  await post(RUN_TRIGGER, { stack: 'vpc' }, jwt);
  t.same(
    fake.requests.map((r) => [r.operation, r.at]),
    [
      ['apiKeyUser', 42_000],
      ['runTrigger', 42_000],
    ],
  );
  t.same(fake.requests[1]?.variables, { stack: 'vpc' });
  t.equal(fake.requests[1]?.authorization, `Bearer ${jwt}`);
  t.same(fake.triggers, [{ stackId: 'vpc', runId: fake.triggers[0]?.runId, at: 42_000 }]);
  t.equal(fake.triggerCount('vpc'), 1);
  fake.addStacks([{ id: 'late' }]);
  t.equal((await post<RunTriggerResponse>(RUN_TRIGGER, { stack: 'late' }, jwt)).body.data.runTrigger?.branch, 'main');
});

t.test('only POST /graphql is served', async (t) => {
  const { fake } = await setup(t);
  t.equal((await fetch(`${fake.url}/other`, { method: 'POST', body: '{}' })).status, 404);
  t.equal((await fetch(`${fake.url}/graphql`)).status, 405);
  t.equal((await fetch(`${fake.url}/graphql`, { method: 'POST', body: 'nope' })).status, 400);
});

t.test('close() resolves promptly with hung and keep-alive connections open', async (t) => {
  const fake = await startFakeSpacelift();
  fake.inject({ operation: 'any', kind: 'timeout' });
  const hung = fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: VIEWER.query }) }).catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await fake.close();
  t.ok(Date.now() - started < 500, `closed in ${Date.now() - started} ms`);
  t.type(await hung, Error);
});

t.test('loadFixtureAccount is the demo account from fixtures/spacelift/account.json', async (t) => {
  const account = loadFixtureAccount();
  const raw = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/spacelift/account.json'), 'utf8')) as SearchStacksResponse;
  t.equal(account.length, raw.data.searchStacks.edges.length);
  t.same(
    account.find((s) => s.id === 'app'),
    {
      id: 'app',
      name: 'Payments app',
      labels: ['DependsOn: eks, rds', 'team:web'],
      state: 'FINISHED',
      isDisabled: false,
      lockedBy: null,
      branch: 'release',
      attachedContexts: [
        { contextId: 'aws-prod', contextName: 'aws-prod', priority: 0 },
        { contextId: 'payments-secrets', contextName: 'payments-secrets', priority: 5 },
      ],
    },
  );
  t.ok(account.some((s) => s.id === 'net') && account.some((s) => s.id === 'network'), 'net and network both exist');
});

t.test('generateStacks: exact count of dependents, deterministic, with near-miss noise', async (t) => {
  const stacks = generateStacks({ total: 1_000, dependentsOf: { stackId: 'core', count: 137 } });
  t.equal(stacks.length, 1_000);
  t.equal(stacks[0]?.id, 'core');
  t.equal(new Set(stacks.map((s) => s.id)).size, 1_000, 'unique IDs');
  t.equal(stacks.filter((s) => s.labels?.includes('dependsOn:core')).length, 137);
  t.equal(stacks.filter((s) => parseDependsOn(s.labels ?? []).includes('core')).length, 137, 'no other spelling sneaks in');
  t.ok(
    stacks.some((s) => s.labels?.some((l) => l.includes('core') && !l.endsWith(':core'))),
    'near-miss labels exist',
  );
  t.same(generateStacks({ total: 1_000, dependentsOf: { stackId: 'core', count: 137 } }), stacks, 'same input, same account');
  const firstPage = stacks.slice(0, 50).filter((s) => s.labels?.includes('dependsOn:core')).length;
  t.ok(firstPage > 0 && firstPage < 20, `dependents are spread over pages (${firstPage} on page 1)`);
  t.equal(generateStacks({ total: 10 }).length, 10);
  t.throws(() => generateStacks({ total: 5, dependentsOf: { stackId: 'x', count: 5 } }), { message: /must leave room/ });
});
