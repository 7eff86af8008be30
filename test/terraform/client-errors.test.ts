// How every kind of HCP Terraform failure surfaces: typed error, retryable flag, context, and never the token.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { PlatformError } from '../../src/platform/errors';
import { TerraformClient } from '../../src/terraform/client';
import {
  TerraformAuthError,
  TerraformNotFoundError,
  TerraformRejectedError,
  TerraformSchemaError,
  TerraformTransientError,
  TerraformError,
} from '../../src/terraform/errors';
import type { TerraformFaultKind } from '../support/fake-terraform';
import { failure, setup } from './helpers';

const transient: [TerraformFaultKind, RegExp, number | undefined][] = [
  ['http500', /^getRun \(workspace eks, run run-FAKE000000000001\) failed with HTTP 500: internal server error$/, 500],
  ['http503', /failed with HTTP 503: <html><body>503 Service Unavailable<\/body><\/html>$/, 503],
  ['http429', /failed with HTTP 429: Too many requests: You have exceeded the API's rate limit\. \(retry after 1 s\)$/, 429],
  ['timeout', /^getRun \(workspace eks, run run-FAKE000000000001\) timed out after 300 ms$/, undefined],
  ['reset', /^getRun \(workspace eks, run run-FAKE000000000001\) connection failed/, undefined],
  ['malformedJson', /answered malformed JSON \(HTTP 200, 8 bytes\)$/, 200],
];

for (const [kind, message, status] of transient) {
  t.test(`${kind} → TerraformTransientError, retryable, with context`, async (t) => {
    const { fake, client } = await setup(t, {}, { timeoutMs: 300 });
    const run = await client.triggerRun('eks');
    fake.inject({ route: 'getRun', kind, workspace: 'eks' });
    const started = Date.now();
    const err = await failure(client.getRun('eks', run.id));
    t.type(err, TerraformTransientError);
    t.type(err, TerraformError);
    t.equal(err.retryable, true);
    t.match(err.message, message);
    t.same(err.context, { operation: 'getRun', stackId: 'eks', runId: run.id, ...(status === undefined ? {} : { status }) });
    t.notMatch(err.message, fake.token);
    t.ok(Date.now() - started < 2_000, 'fails fast');
    t.equal((await client.getRun('eks', run.id)).state, 'PENDING', 'the next call works again');
  });
}

t.test('401 → TerraformAuthError (a PlatformError of kind auth for the CLI’s exit code), not retryable, token not quoted', async (t) => {
  const { fake } = await setup(t);
  const client = new TerraformClient({ baseUrl: fake.url, token: 'wrong-token.atlasv1.secret', organization: 'acme' });
  t.teardown(() => client.close());
  const err = await failure(client.listAllStacks());
  t.type(err, TerraformAuthError);
  t.type(err, PlatformError);
  t.equal((err as { kind?: string }).kind, 'auth');
  t.equal(err.retryable, false);
  t.equal(err.message, 'listWorkspaces failed with HTTP 401: unauthorized (the API token is missing, invalid or expired)');
  t.same(err.context, { operation: 'listWorkspaces', status: 401 });
  t.notMatch(err.message, 'wrong-token');
  t.equal(fake.requests[0]?.authorization, 'Bearer wrong-token.atlasv1.secret');
});

t.test('403 → TerraformAuthError', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ route: 'createRun', kind: 'http403' });
  const err = await failure(client.triggerRun('eks'));
  t.type(err, TerraformAuthError);
  t.match(err, { retryable: false, message: /createRun \(workspace eks\) failed with HTTP 403: forbidden \(forbidden for this token\)/ });
});

t.test('404s → TerraformNotFoundError naming the workspace, run or organization', async (t) => {
  const { fake, client } = await setup(t);
  const ghost = await failure(client.triggerRun('ghost'));
  t.type(ghost, TerraformNotFoundError);
  t.type(ghost, PlatformError);
  t.equal((ghost as { kind?: string }).kind, 'not_found');
  t.equal(ghost.retryable, false);
  t.equal(ghost.message, 'workspace ghost not found in organization acme (or not visible to this token)');
  t.match(ghost.context, { operation: 'showWorkspace', stackId: 'ghost', status: 404 });
  t.equal(fake.triggers.length, 0);
  const run = await failure(client.getRun('eks', 'run-NoSuchRun00000'));
  t.type(run, TerraformNotFoundError);
  t.equal(run.message, 'getRun (workspace eks, run run-NoSuchRun00000) failed with HTTP 404: not found');
  const other = await client.triggerRun('network');
  const wrongWorkspace = await failure(client.getRun('eks', other.id));
  t.type(wrongWorkspace, TerraformNotFoundError, 'a run of another workspace is not found on this one');
  t.match(wrongWorkspace.message, `run ${other.id} not found on workspace eks`);
  const lookups = fake.requests.filter((r) => r.route === 'showWorkspace').length;
  await failure(client.getRun('eks', other.id));
  t.equal(fake.requests.filter((r) => r.route === 'showWorkspace').length, lookups + 1, 'a possibly stale workspace ID is looked up again');
  const org = new TerraformClient({ baseUrl: fake.url, token: fake.token, organization: 'nope' });
  t.teardown(() => org.close());
  t.match(await failure(org.verifyCredentials()), {
    name: 'TerraformNotFoundError',
    message: 'organization nope not found (or not visible to this token)',
  });
});

t.test('a 404 on a cached workspace ID drops it, so the next call looks the workspace up again', async (t) => {
  const { fake, client } = await setup(t);
  await client.triggerRun('eks');
  fake.inject({ route: 'createRun', kind: 'http404' });
  t.type(await failure(client.triggerRun('eks')), TerraformNotFoundError);
  await client.triggerRun('eks');
  t.same(
    fake.requests.map((r) => r.route),
    ['showWorkspace', 'createRun', 'createRun', 'showWorkspace', 'createRun'],
  );
});

t.test('other 4xx → TerraformRejectedError, not retryable', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const pool = agent.get('https://app.terraform.io');
  pool
    .intercept({ path: '/api/v2/organizations/acme/workspaces/eks', method: 'GET' })
    .reply(200, { data: { id: 'ws-1', type: 'workspaces', attributes: { name: 'eks', 'tag-names': [] } } });
  pool
    .intercept({ path: '/api/v2/runs', method: 'POST' })
    .reply(422, { errors: [{ status: '422', title: 'invalid attribute', detail: 'Configuration version is missing' }] });
  const client = new TerraformClient({ token: 'tok', organization: 'acme', dispatcher: agent });
  const err = await failure(client.triggerRun('eks'));
  t.type(err, TerraformRejectedError);
  t.type(err, PlatformError);
  t.equal(err.retryable, false);
  t.equal(err.message, 'createRun (workspace eks) failed with HTTP 422: invalid attribute: Configuration version is missing');
});

t.test('the token never appears in an error, even when a proxy echoes it', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ route: 'listWorkspaces', kind: 'echoToken' });
  const err = await failure(client.listAllStacks());
  t.type(err, TerraformTransientError);
  t.match(err.message, 'HTTP 502: bad gateway; request had Authorization: Bearer [redacted]');
  t.notMatch(err.message, fake.token);
  t.notMatch(JSON.stringify(err.context), fake.token);
});

t.test('schema mismatches are non-retryable TerraformSchemaErrors naming the path and value', async (t) => {
  const { fake, client } = await setup(t);
  fake.inject({ route: 'listWorkspaces', kind: 'schemaViolation' });
  const list = await failure(client.listAllStacks());
  t.type(list, TerraformSchemaError);
  t.equal(list.retryable, false);
  t.equal(list.message, 'listWorkspaces response invalid at /data/0/attributes/tag-names: must be array (got "oops")');
  t.same(list.context, { operation: 'listWorkspaces', status: 200, path: '/data/0/attributes/tag-names' });
  const run = await client.triggerRun('eks');
  fake.inject({ route: 'getRun', kind: 'schemaViolation' });
  t.match(await failure(client.getRun('eks', run.id)), {
    name: 'TerraformSchemaError',
    message: 'getRun response invalid at /data/attributes/status: must be string (got 42)',
  });
  fake.inject({ route: 'accountDetails', kind: 'schemaViolation' });
  t.match(await failure(client.verifyCredentials()), { message: /\/data\/attributes\/username: must be string or null \(got 42\)/ });
});

t.test('a create whose answer is lost leaves the run created: the retry can find it by its message', async (t) => {
  const { fake, client } = await setup(t);
  await client.listAllStacks();
  fake.inject({ route: 'createRun', kind: 'afterCreate500' });
  t.type(await failure(client.triggerRun('eks')), TerraformTransientError);
  t.equal(fake.triggerCount('eks'), 1);
  const [recent] = await client.listRunsSince('eks', 0);
  t.equal(client.ownsTrigger(recent?.triggeredBy), true);
});

t.test('a server stuck on one page is an error, not an endless loop', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const page = { data: [], meta: { pagination: { 'current-page': 2, 'next-page': 2 } } };
  agent
    .get('https://tfe.example.com')
    .intercept({ path: /\/api\/v2\/organizations\/acme\/workspaces\?/, method: 'GET' })
    .reply(200, page)
    .persist();
  const client = new TerraformClient({ baseUrl: 'https://tfe.example.com', token: 'tok', organization: 'acme', dispatcher: agent });
  const err = await failure(client.listAllStacks());
  t.type(err, TerraformRejectedError);
  t.match(err.message, 'listWorkspaces pagination stuck: page 2 says the next page is 2');
});

t.test('a run list without meta.pagination is one page; a next-page that does not advance ends the paging', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const origin = agent.get('https://tfe.example.com');
  origin
    .intercept({ path: '/api/v2/organizations/acme/workspaces/eks', method: 'GET' })
    .reply(200, { data: { id: 'ws-1', type: 'workspaces', attributes: { name: 'eks', 'tag-names': [] } } });
  const run = (id: string) => ({
    id,
    type: 'runs',
    attributes: { status: 'pending', 'created-at': '2026-11-01T00:00:00Z', message: 'Triggered by spacelift-cascade' },
  });
  origin.intercept({ path: /\/api\/v2\/workspaces\/ws-1\/runs\?.*page%5Bnumber%5D=1/, method: 'GET' }).reply(200, { data: [run('run-a')] });
  origin
    .intercept({ path: /\/api\/v2\/workspaces\/ws-1\/runs\?.*page%5Bnumber%5D=1/, method: 'GET' })
    .reply(200, { data: [run('run-b')], meta: { pagination: { 'current-page': 1, 'next-page': 1 } } });
  const client = new TerraformClient({ baseUrl: 'https://tfe.example.com', token: 'tok', organization: 'acme', dispatcher: agent });
  t.same(
    (await client.listRunsSince('eks', 0)).map((r) => r.id),
    ['run-a'],
  );
  t.same(
    (await client.listRunsSince('eks', 0)).map((r) => r.id),
    ['run-b'],
  );
  agent.assertNoPendingInterceptors();
});

t.test('a null username (go-tfe v2/openapi/spec.json marks it nullable) reads as an unknown viewer', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  const body = JSON.parse(readFileSync(join(__dirname, '../../fixtures/terraform/account-details.username-null.json'), 'utf8')) as object;
  agent.get('https://tfe.example.com').intercept({ path: '/api/v2/account/details', method: 'GET' }).reply(200, body);
  agent
    .get('https://tfe.example.com')
    .intercept({ path: /\/api\/v2\/organizations\/acme\/workspaces\?/, method: 'GET' })
    .reply(200, { data: [], meta: { pagination: { 'current-page': 1, 'next-page': null } } });
  const client = new TerraformClient({ baseUrl: 'https://tfe.example.com', token: 'tok', organization: 'acme', dispatcher: agent });
  t.same(await client.verifyCredentials(), { viewer: null });
});

t.test('a Terraform Enterprise base URL with a path keeps it in front of /api/v2', async (t) => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  t.teardown(() => agent.close());
  agent
    .get('https://tfe.example.com')
    .intercept({ path: '/tfe/api/v2/account/details', method: 'GET' })
    .reply(200, { data: { id: 'user-1', type: 'users', attributes: { username: '' } } });
  agent
    .get('https://tfe.example.com')
    .intercept({ path: '/tfe/api/v2/organizations/acme/workspaces?page%5Bnumber%5D=1&page%5Bsize%5D=1', method: 'GET' })
    .reply(200, { data: [], meta: { pagination: { 'current-page': 1, 'next-page': null } } });
  const client = new TerraformClient({ baseUrl: 'https://tfe.example.com/tfe/', token: 'tok', organization: 'acme', dispatcher: agent });
  t.same(await client.verifyCredentials(), { viewer: null }, 'an empty username reads as unknown');
});
