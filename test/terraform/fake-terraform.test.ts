// The fake HCP Terraform itself: auth, paging, self-checks, scripted outcomes and listeners.
import t from 'tap';
import { startFakeTerraform, type RecordedTerraformTrigger } from '../support/fake-terraform';
import { matchesTerraformSchema } from '../../src/terraform/validate';
import type { WorkspaceListResponse } from '../../src/terraform/types';

async function start(t: tap.Test, options: Parameters<typeof startFakeTerraform>[0] = {}) {
  const fake = await startFakeTerraform({ workspaces: [{ name: 'vpc' }, { name: 'eks', tags: ['dependson:vpc'] }], ...options });
  t.teardown(() => fake.close());
  const get = async (path: string, token: string | null = fake.token) => {
    const res = await fetch(fake.url + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  return { fake, get };
}

t.test('listens on 127.0.0.1 and answers JSON:API', async (t) => {
  const { fake, get } = await start(t);
  t.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await get('/api/v2/organizations/acme/workspaces');
  t.equal(res.status, 200);
  t.equal(res.type, 'application/vnd.api+json');
  t.ok(matchesTerraformSchema('workspace-list', JSON.parse(res.body)));
});

t.test('requires the bearer token', async (t) => {
  const { get } = await start(t, { token: 'right' });
  for (const token of [null, 'wrong']) {
    const res = await get('/api/v2/account/details', token);
    t.equal(res.status, 401);
    t.ok(matchesTerraformSchema('errors', JSON.parse(res.body)));
  }
  t.equal((await get('/api/v2/account/details', 'right')).status, 200);
});

t.test('404 for another organization, an unknown workspace or path', async (t) => {
  const { get } = await start(t);
  t.equal((await get('/api/v2/organizations/other/workspaces')).status, 404);
  t.equal((await get('/api/v2/organizations/acme/workspaces/ghost')).status, 404);
  t.equal((await get('/api/v2/nope')).status, 404);
  t.equal((await get('/api/v2/workspaces/ws-nope/runs')).status, 404);
});

t.test('pages with page[number]/page[size], capped', async (t) => {
  const workspaces = Array.from({ length: 5 }, (_, i) => ({ name: `w${i}` }));
  const { get } = await start(t, { workspaces, pageSizeCap: 2 });
  const page = async (query: string) =>
    JSON.parse((await get(`/api/v2/organizations/acme/workspaces?${query}`)).body) as WorkspaceListResponse;
  const first = await page('page%5Bsize%5D=50');
  t.same(
    first.data.map((w) => w.attributes.name),
    ['w0', 'w1'],
  );
  t.match(first.meta.pagination, { 'current-page': 1, 'next-page': 2, 'total-pages': 3, 'total-count': 5 });
  const last = await page('page%5Bnumber%5D=3&page%5Bsize%5D=2');
  t.same(
    last.data.map((w) => w.attributes.name),
    ['w4'],
  );
  t.equal(last.meta.pagination['next-page'], null);
});

t.test('a body the schemas reject is a loud 500, never sent as an answer', async (t) => {
  const { get } = await start(t, { workspaces: [{ name: 'not a valid name' }] });
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  t.teardown(() => void (console.error = original));
  const res = await get('/api/v2/organizations/acme/workspaces');
  t.equal(res.status, 500);
  t.match(res.body, 'fake-terraform bug: Error: fake-terraform built a listWorkspaces answer that violates workspace-list');
  t.equal(errors.length, 1);
});

t.test('runs start pending; outcomes, onTrigger and runs() are observable', async (t) => {
  const { fake } = await start(t, {
    defaultRunOutcome: { status: 'errored' },
    runOutcomes: { eks: { status: 'applied', plan: { additions: 1, changes: 0, destructions: 0 } } },
  });
  const heard: RecordedTerraformTrigger[] = [];
  fake.onTrigger((trigger) => heard.push(trigger));
  fake.onTrigger(() => {
    throw new Error('a listener bug');
  });
  const original = console.error;
  console.error = () => undefined;
  t.teardown(() => void (console.error = original));
  const create = (id: string) =>
    fetch(`${fake.url}/api/v2/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}` },
      body: JSON.stringify({ data: { type: 'runs', relationships: { workspace: { data: { type: 'workspaces', id } } } } }),
    });
  t.equal((await create('ws-FAKE000000000002')).status, 201);
  t.equal((await create('ws-FAKE000000000001')).status, 201);
  t.equal((await create('ws-nope')).status, 404);
  t.same(
    fake.runs().map((r) => [r.workspace, r.status, r.message]),
    [
      ['eks', 'pending', 'Queued manually via the Terraform Enterprise API'],
      ['vpc', 'pending', 'Queued manually via the Terraform Enterprise API'],
    ],
  );
  t.same(
    heard.map((h) => h.workspace),
    ['eks', 'vpc'],
    'a throwing listener does not stop the others',
  );
  t.equal(fake.triggerCount('eks'), 1);
  for (const run of fake.runs()) await fetch(`${fake.url}/api/v2/runs/${run.id}`, { headers: { authorization: `Bearer ${fake.token}` } });
  t.same(
    fake.runs().map((r) => [r.status, r.plan]),
    [
      ['applied', { additions: 1, changes: 0, destructions: 0 }],
      ['errored', null],
    ],
  );
  t.throws(() => fake.setRunStatus('run-nope', 'applied'), { message: 'fake-terraform: no run run-nope' });
  t.throws(() => fake.setRunOutcome('eks', { status: 'Applied' }), { message: /needs a lower_snake status/ });
  t.throws(() => fake.setRunOutcome('eks', { status: 'applied', afterPolls: -1 }), {
    message: /afterPolls must be a non-negative integer/,
  });
  t.throws(() => fake.setRunOutcome('eks', { status: 'applied', plan: { additions: 1.5, changes: 0, destructions: 0 } }), {
    message: /plan counts/,
  });
});

t.test('close() resolves promptly with a request hanging', async (t) => {
  const fake = await startFakeTerraform({ workspaces: [{ name: 'vpc' }] });
  fake.inject({ route: 'any', kind: 'timeout' });
  const pending = fetch(`${fake.url}/api/v2/account/details`, { headers: { authorization: `Bearer ${fake.token}` } }).catch(
    (e: unknown) => e,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await fake.close();
  t.type(await pending, Error);
  t.ok(Date.now() - started < 1_000);
});
