// JWT exchange, caching and refresh, against the fake Spacelift server.
import t from 'tap';
import { SpaceliftClient, type SpaceliftClientOptions } from '../../src/spacelift/client';
import { SpaceliftAuthError } from '../../src/spacelift/errors';
import { createLogger } from '../../src/log/logger';
import { MockAgent } from 'undici';
import { startFakeSpacelift, type FakeSpacelift, type FakeSpaceliftOptions } from '../support/fake-spacelift';

const STACKS = [{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }];
/** No run is this recent (year 2096), so listRunsSince reads exactly one page: one request to count. */
const ONE_PAGE = 4_000_000_000;

async function setup(t: tap.Test, fakeOptions: FakeSpaceliftOptions = {}, clientOptions: Partial<SpaceliftClientOptions> = {}) {
  const fake = await startFakeSpacelift({ stacks: STACKS, ...fakeOptions });
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 2_000,
    ...clientOptions,
  });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client };
}

const count = (fake: FakeSpacelift, operation: string) => fake.requests.filter((r) => r.operation === operation).length;

t.test('one apiKeyUser exchange serves many calls, and every call carries the bearer token', async (t) => {
  const { fake, client } = await setup(t);
  await client.listCandidateDependents('vpc');
  await client.triggerRun('eks');
  await client.listRunsSince('eks', ONE_PAGE);
  await client.verifyCredentials();
  await Promise.all([client.triggerRun('vpc'), client.listRunsSince('vpc', ONE_PAGE), client.listCandidateDependents('eks')]);
  t.equal(count(fake, 'apiKeyUser'), 1);
  const authed = fake.requests.filter((r) => r.operation !== 'apiKeyUser');
  t.equal(authed.length, 7);
  t.ok(
    authed.every((r) => /^Bearer eyJ/.test(r.authorization ?? '')),
    'Authorization: Bearer <jwt>',
  );
  t.same(fake.requests[0]?.variables, { id: fake.apiKeyId, secret: fake.apiKeySecret });
  t.equal(fake.requests[0]?.authorization, undefined, 'the exchange itself is unauthenticated');
});

t.test('concurrent first calls share a single exchange', async (t) => {
  const { fake, client } = await setup(t);
  await Promise.all(Array.from({ length: 8 }, () => client.listRunsSince('vpc', ONE_PAGE)));
  t.equal(count(fake, 'apiKeyUser'), 1);
});

t.test('the token is refreshed 60 s before validUntil, by the clock', async (t) => {
  let clock = Date.now();
  const now = () => clock;
  const { fake, client } = await setup(t, { now, tokenTtlSeconds: 3600 }, { now });
  await client.listRunsSince('vpc', ONE_PAGE);
  clock += 3_600_000 - 61_000;
  await client.listRunsSince('vpc', ONE_PAGE);
  t.equal(count(fake, 'apiKeyUser'), 1, 'still valid 61 s before expiry');
  clock += 2_000;
  await client.listRunsSince('vpc', ONE_PAGE);
  t.equal(count(fake, 'apiKeyUser'), 2, 'refreshed 59 s before expiry, before the server would refuse it');
  t.equal(fake.requests.filter((r) => r.operation === 'listRuns').length, 3, 'no request was refused and repeated');
});

t.test('a token the server no longer accepts is refreshed once and the request retried once', async (t) => {
  const { fake, client } = await setup(t);
  await client.triggerRun('eks');
  fake.expireTokens();
  const run = await client.triggerRun('vpc');
  t.equal(run.state, 'QUEUED');
  t.equal(count(fake, 'apiKeyUser'), 2);
  t.equal(count(fake, 'runTrigger'), 3, 'first trigger, refused trigger, retried trigger');
  t.equal(fake.triggerCount('vpc'), 1, 'the refused request created nothing');
});

t.test('after expireTokens, parallel calls refresh only once', async (t) => {
  const { fake, client } = await setup(t);
  await client.verifyCredentials();
  fake.expireTokens();
  await Promise.all([client.triggerRun('vpc'), client.triggerRun('eks'), client.listRunsSince('vpc', ONE_PAGE)]);
  t.equal(count(fake, 'apiKeyUser'), 2);
  t.equal(fake.triggers.length, 2);
});

t.test('HTTP 200 "unauthorized" twice in a row is a non-retryable SpaceliftAuthError', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ operation: 'runTrigger', kind: 'unauthorized', times: 2 });
  const err = await client.triggerRun('eks').catch((e: unknown) => e);
  t.type(err, SpaceliftAuthError);
  t.match(err, { retryable: false, context: { operation: 'runTrigger', stackId: 'eks', status: 200 } });
  t.match((err as Error).message, /runTrigger \(stack eks\) still unauthorized after a token refresh/);
  t.match((err as Error).message, new RegExp(fake.apiKeyId));
  t.equal(count(fake, 'apiKeyUser'), 2, 'refreshed exactly once');
  t.equal(count(fake, 'runTrigger'), 2, 'retried exactly once');
});

t.test('an unknown API key id is non-retryable and named, and the secret never appears', async (t) => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const { fake, client } = await setup(t, {}, { apiKeyId: '01HZZZWRONGKEY000000000000', logger });
  const err = await client.listCandidateDependents('vpc').catch((e: unknown) => e);
  t.type(err, SpaceliftAuthError);
  t.equal((err as SpaceliftAuthError).retryable, false);
  t.match((err as Error).message, /invalid API key id 01HZZZWRONGKEY000000000000/);
  t.notMatch((err as Error).message, fake.apiKeySecret);
  t.notMatch(JSON.stringify(err), fake.apiKeySecret);
  t.notMatch(lines.join('\n'), fake.apiKeySecret);
  t.same((err as SpaceliftAuthError).context, { operation: 'apiKeyUser', status: 200 });
  t.equal(count(fake, 'searchStacks'), 0, 'nothing is sent without a token');
});

t.test('a wrong secret is a SpaceliftAuthError naming the key id, not the secret', async (t) => {
  const secret = 'this-is-the-wrong-secret';
  const { fake, client } = await setup(t, {}, { apiKeySecret: secret });
  const err = await client.triggerRun('eks').catch((e: unknown) => e);
  t.type(err, SpaceliftAuthError);
  t.match((err as Error).message, `API key ${fake.apiKeyId} was rejected (unauthorized)`);
  t.notMatch((err as Error).message, secret);
  t.equal(fake.triggers.length, 0);
});

t.test('HTTP 401 is treated like "unauthorized": refresh once, retry once (via a custom dispatcher)', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get('https://acme.app.spacelift.io');
  const graphql = { path: '/graphql', method: 'POST' };
  const grant = (n: number) => ({ data: { apiKeyUser: { jwt: `jwt-${n}`, validUntil: 4_000_000_000 } } });
  const bearer = (jwt: string) => ({
    ...graphql,
    headers: { authorization: `Bearer ${jwt}`, 'spacelift-client-type': 'spacelift-cascade' },
  });
  pool.intercept(graphql).reply(200, grant(1));
  pool.intercept(bearer('jwt-1')).reply(401, 'Unauthorized');
  pool.intercept(graphql).reply(200, grant(2));
  pool.intercept(bearer('jwt-2')).reply(200, { data: { viewer: { id: 'api::K', name: 'cascade' } } });
  // A trailing slash on the endpoint must not produce //graphql.
  const client = new SpaceliftClient({ endpoint: 'https://acme.app.spacelift.io/', apiKeyId: 'K', apiKeySecret: 'S', dispatcher: agent });
  t.teardown(() => agent.close());
  t.same(await client.verifyCredentials(), { viewer: 'cascade' });
  agent.assertNoPendingInterceptors();
});

t.test('a JWT never appears in logs', async (t) => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const { fake, client } = await setup(t, {}, { logger });
  await client.triggerRun('eks');
  fake.expireTokens();
  await client.triggerRun('eks');
  const jwts = fake.requests.map((r) => r.authorization?.replace('Bearer ', '')).filter((j): j is string => !!j);
  t.ok(jwts.length >= 2 && lines.length > 0);
  for (const jwt of new Set(jwts))
    t.notOk(
      lines.some((line) => line.includes(jwt)),
      'jwt not logged',
    );
  t.notOk(
    lines.some((line) => line.includes(fake.apiKeySecret)),
    'secret not logged',
  );
});
