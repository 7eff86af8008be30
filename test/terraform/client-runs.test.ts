// Listing workspaces, creating runs and reading their mapped state, against the fake HCP Terraform.
import t from 'tap';
import { TERRAFORM_RUN_MESSAGE, TERRAFORM_TRIGGERED_BY } from '../../src/terraform/states';
import { TerraformClient } from '../../src/terraform/client';
import { setup, WORKSPACES } from './helpers';

t.test('listAllStacks pages through every workspace and maps them to Stacks', async (t) => {
  const many = Array.from({ length: 7 }, (_, i) => ({ name: `ws-${i}`, tags: i % 2 ? [`dependson:ws-${i - 1}`] : [] }));
  const { fake, client } = await setup(t, { workspaces: many }, { pageSize: 3 });
  const counts: number[] = [];
  const stacks = await client.listAllStacks((n) => counts.push(n));
  t.same(
    stacks.map((s) => s.id),
    many.map((w) => w.name),
  );
  t.same(stacks[1], { id: 'ws-1', name: 'ws-1', labels: ['dependson:ws-0'], attachedContexts: [] });
  t.same(counts, [3, 6, 7], 'three pages');
  const pages = fake.requests.filter((r) => r.route === 'listWorkspaces').map((r) => [r.query['page[number]'], r.query['page[size]']]);
  t.same(pages, [
    ['1', '3'],
    ['2', '3'],
    ['3', '3'],
  ]);
  t.match(fake.requests[0]?.path, '/api/v2/organizations/acme/workspaces');
  t.equal(fake.requests[0]?.authorization, `Bearer ${fake.token}`);
});

t.test('listCandidateDependents returns every workspace (the callers parse the tags)', async (t) => {
  const { client } = await setup(t);
  t.same(
    (await client.listCandidateDependents('network')).map((s) => s.id),
    WORKSPACES.map((w) => w.name),
  );
});

t.test('triggerRun creates a pending run with the cascade message on the named workspace', async (t) => {
  const clock = Date.UTC(2026, 10, 26, 14, 2, 10, 171);
  const { fake, client } = await setup(t, { now: () => clock });
  const run = await client.triggerRun('eks');
  t.same(run, {
    id: run.id,
    branch: '',
    state: 'PENDING',
    createdAt: Math.floor(clock / 1000),
    triggeredBy: 'spacelift-cascade',
    delta: null,
  });
  t.match(run.id, /^run-/);
  t.same(fake.triggers, [{ workspace: 'eks', runId: run.id, at: clock }]);
  t.same(
    fake.runs('eks').map((r) => r.message),
    [TERRAFORM_RUN_MESSAGE],
  );
  t.equal(client.ownsTrigger(run.triggeredBy), true, 'ours, by the message marker');
  t.equal(client.ownsTrigger(TERRAFORM_TRIGGERED_BY), true);
  t.equal(client.ownsTrigger(null), false);
  t.equal(client.ownsTrigger(`api::${TERRAFORM_TRIGGERED_BY}`), false);
  t.same(
    fake.requests.map((r) => r.route),
    ['showWorkspace', 'createRun'],
    'the workspace ID is looked up first',
  );
  await client.triggerRun('eks');
  t.same(fake.requests.map((r) => r.route).slice(2), ['createRun'], 'then cached');
});

t.test('a listing fills the workspace ID cache', async (t) => {
  const { fake, client } = await setup(t);
  await client.listAllStacks();
  await client.triggerRun('app');
  t.notOk(fake.requests.some((r) => r.route === 'showWorkspace'));
});

const TERMINAL: [string, string][] = [
  ['applied', 'FINISHED'],
  ['planned_and_finished', 'FINISHED'],
  ['errored', 'FAILED'],
  ['policy_soft_failed', 'FAILED'],
  ['discarded', 'DISCARDED'],
  ['canceled', 'CANCELED'],
  ['force_canceled', 'CANCELED'],
];

for (const [status, state] of TERMINAL) {
  t.test(`a run ending ${status} reads as ${state}`, async (t) => {
    const { client } = await setup(t, { runOutcomes: { eks: { status } } });
    const run = await client.triggerRun('eks');
    t.equal((await client.getRun('eks', run.id)).state, state);
  });
}

t.test('non-final statuses are upper-cased, and the outcome lands after afterPolls polls', async (t) => {
  const { fake, client } = await setup(t, { runOutcomes: { eks: { status: 'applied', afterPolls: 2 } } });
  const run = await client.triggerRun('eks');
  t.equal((await client.getRun('eks', run.id)).state, 'PENDING');
  fake.setRunStatus(run.id, 'policy_override');
  t.equal((await client.getRun('eks', run.id)).state, 'POLICY_OVERRIDE');
  t.equal((await client.getRun('eks', run.id)).state, 'FINISHED', 'third poll');
  t.equal(fake.requests.filter((r) => r.route === 'getRun').at(-1)?.query.include, 'plan');
});

t.test('delta comes from the finished plan; without one it is null', async (t) => {
  const { fake, client } = await setup(t, {
    runOutcomes: { eks: { status: 'applied', plan: { additions: 2, changes: 1, destructions: 0 } } },
  });
  const run = await client.triggerRun('eks');
  t.same((await client.getRun('eks', run.id)).delta, { added: 2, changed: 1, deleted: 0 });
  fake.setRunStatus(run.id, 'applied', null);
  t.equal((await client.getRun('eks', run.id)).delta, null);
  const other = await client.triggerRun('network');
  fake.setRunStatus(other.id, 'errored');
  t.equal((await client.getRun('network', other.id)).delta, null);
});

t.test('listRunsSince answers the workspace’s runs created since, with triggeredBy recognised by message', async (t) => {
  let clock = Date.UTC(2026, 10, 1);
  const { fake, client } = await setup(t, { now: () => clock });
  const first = await client.triggerRun('eks');
  clock += 60_000;
  await client.triggerRun('network');
  const second = await client.triggerRun('eks');
  fake.setRunStatus(second.id, 'applied', { additions: 0, changes: 3, destructions: 1 });
  const runs = await client.listRunsSince('eks', 0);
  t.same(
    runs.map((r) => r.id),
    [second.id, first.id],
  );
  t.same(
    runs.map((r) => r.state),
    ['FINISHED', 'PENDING'],
  );
  t.same(runs[0]?.delta, { added: 0, changed: 3, deleted: 1 });
  t.equal(runs[1]?.createdAt, Math.floor(Date.UTC(2026, 10, 1) / 1000));
  t.ok(runs.every((r) => client.ownsTrigger(r.triggeredBy)));
  t.match(fake.requests.at(-1), { route: 'listRuns', query: { include: 'plan', 'page[size]': '20', 'page[number]': '1' } });
  t.same(
    (await client.listRunsSince('eks', Math.floor(clock / 1000))).map((r) => r.id),
    [second.id],
    'older runs are left out',
  );
});

for (const runsOrder of ['newest-first', 'oldest-first'] as const) {
  t.test(`listRunsSince pages on while a page holds recent runs (${runsOrder} within a page)`, async (t) => {
    let clock = Date.UTC(2026, 10, 1);
    const { fake, client } = await setup(t, { now: () => clock, runsOrder });
    for (let i = 0; i < 25; i++) await client.triggerRun('eks'); // 20 on page 2 and 5 on page 3, once 25 more follow
    clock += 3_600_000;
    const ours = await client.triggerRun('eks');
    clock += 1_000;
    for (let i = 0; i < 24; i++) await client.triggerRun('eks');
    // Newest first, pages of 20: page 1 = 20 newer runs, page 2 = 4 newer + ours + 15 old, page 3 = 10 old.
    const runs = await client.listRunsSince('eks', Math.floor(Date.UTC(2026, 10, 1, 1) / 1000));
    t.equal(runs.length, 25, 'every recent run, each once');
    t.ok(
      runs.some((run) => run.id === ours.id),
      'ours is found on page 2',
    );
    const pages = fake.requests.filter((r) => r.route === 'listRuns').map((r) => r.query['page[number]']);
    t.same(pages, ['1', '2', '3'], 'page 3 is read because page 2 still held recent runs; it holds none, so paging stops');
  });
}

t.test('listRunsSince reads at most 5 pages', async (t) => {
  const clock = Date.UTC(2026, 10, 1);
  const { fake, client } = await setup(t, { now: () => clock });
  for (let i = 0; i < 130; i++) await client.triggerRun('eks');
  t.equal((await client.listRunsSince('eks', 0)).length, 100, '5 pages of 20');
  t.equal(fake.requests.filter((r) => r.route === 'listRuns').length, 5);
});

t.test('runs created by others are not ours: triggeredBy null', async (t) => {
  const { fake, client } = await setup(t);
  const ours = await client.triggerRun('eks');
  // A run queued from the UI or by someone else's script, on the same workspace.
  const raw = await fetch(`${fake.url}/api/v2/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/vnd.api+json' },
    body: JSON.stringify({
      data: {
        type: 'runs',
        attributes: { message: 'Queued by hand' },
        relationships: { workspace: { data: { type: 'workspaces', id: 'ws-FAKE000000000002' } } },
      },
    }),
  });
  t.equal(raw.status, 201);
  const runs = await client.listRunsSince('eks', 0);
  t.same(
    runs.map((r) => [r.id === ours.id, r.triggeredBy, client.ownsTrigger(r.triggeredBy)]),
    [
      [false, null, false],
      [true, 'spacelift-cascade', true],
    ],
  );
});

t.test('verifyCredentials names the token’s user and checks the organization', async (t) => {
  const { fake, client } = await setup(t, { username: 'api-team_cascade' });
  t.same(await client.verifyCredentials(), { viewer: 'api-team_cascade' });
  t.same(
    fake.requests.map((r) => r.route),
    ['accountDetails', 'listWorkspaces'],
  );
  t.equal(fake.requests[1]?.query['page[size]'], '1');
});

t.test('constructor rejects bad options without echoing the token', async (t) => {
  t.throws(() => new TerraformClient({ token: '', organization: 'acme' }), { message: 'HCP Terraform token must not be empty' });
  t.throws(() => new TerraformClient({ token: 's3cret', organization: '' }), { message: 'HCP Terraform organization must not be empty' });
  t.throws(() => new TerraformClient({ token: 's3cret', organization: 'acme', baseUrl: 'app.terraform.io' }), {
    message: /must be an http\(s\) URL, got 'app.terraform.io'/,
  });
  t.throws(() => new TerraformClient({ token: 's3cret', organization: 'acme', pageSize: 101 }), {
    message: /pageSize must be at most 100/,
  });
  t.throws(() => new TerraformClient({ token: 's3cret', organization: 'acme', timeoutMs: 0 }), {
    message: /timeoutMs must be a positive integer/,
  });
  const client = new TerraformClient({ token: 's3cret', organization: 'acme' });
  t.equal(client.organization, 'acme');
  await client.close();
});
