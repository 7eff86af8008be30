// `spacelift-cascade plan` as a child process against the fake Spacelift (no Temporal): the same planner and
// renderer as the library, from one read of the account, and not a single runTrigger.
import t from 'tap';
import { buildPlan } from '../../src/cascade/plan';
import { planToJson, renderPlan } from '../../src/cascade/render-plan';
import { SpaceliftClient } from '../../src/spacelift/client';
import { startFakeSpacelift, type FakeSpacelift } from '../support/fake-spacelift';
import { cliEnv, runCli } from './run-cli';
import { startFakeTerraform } from '../support/fake-terraform';

/** The README's worked example. */
const ACCOUNT = [
  { id: 'vpc' },
  { id: 'eks', labels: ['dependsOn:vpc'] },
  { id: 'rds', labels: ['depends-on:vpc|when:changed'] },
  { id: 'app', labels: ['DependsOn: eks, rds', 'cascade:approval'] },
  { id: 'dns', labels: ['dependsOn:vpc'] },
  { id: 'mail', labels: ['dependsOn:dns|state:FAILED'] },
  { id: 'loop-a', labels: ['dependsOn:vpc,loop-b'] },
  { id: 'loop-b', labels: ['dependsOn:loop-a'] },
  { id: 'elsewhere', labels: ['dependsOn:nothing-here'] },
];

let fake: FakeSpacelift;
t.before(async () => {
  fake = await startFakeSpacelift({ stacks: ACCOUNT });
});
t.teardown(() => fake?.close());

const credentials = (): Record<string, string> => ({
  SPACELIFT_API_ENDPOINT: fake.url,
  SPACELIFT_API_KEY_ID: fake.apiKeyId,
  SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
});

async function expectedPlan(root: string, globalWhen: 'always' | 'changed') {
  const client = new SpaceliftClient({ endpoint: fake.url, apiKeyId: fake.apiKeyId, apiKeySecret: fake.apiKeySecret });
  try {
    return buildPlan(root, await client.listAllStacks(), { globalWhen });
  } finally {
    await client.close();
  }
}

t.test('text: the waves, conditions and cycle; nothing is triggered', async (t) => {
  const res = await runCli(['plan', 'vpc'], cliEnv(credentials()));
  t.equal(res.code, 0, res.stderr);
  t.equal(res.stdout, `${renderPlan(await expectedPlan('vpc', 'always'))}\n`);
  t.match(res.stdout, /^Cascade from vpc: 5 stacks in 2 waves$/m);
  t.match(res.stdout, /^Wave 1: dns, eks, rds \(when changed\)$/m);
  t.match(res.stdout, /^Wave 2: app \(approval\), mail \(on FAILED\)$/m);
  t.match(res.stdout, /^ {2}loop-a → loop-b → loop-a$/m);
  t.equal(res.stderr, '');
  t.equal(fake.triggers.length, 0);
  t.notOk(
    fake.requests.some((r) => r.operation === 'runTrigger'),
    'no runTrigger reached Spacelift',
  );
});

t.test('--format json, and CASCADE_EDGE_MODE=changed as flag or variable', async (t) => {
  const res = await runCli(['plan', 'vpc', '--format', 'json'], cliEnv(credentials()));
  t.equal(res.code, 0, res.stderr);
  t.same(JSON.parse(res.stdout), planToJson(await expectedPlan('vpc', 'always')));
  t.equal(res.stdout, `${JSON.stringify(planToJson(await expectedPlan('vpc', 'always')), null, 2)}\n`, 'indented');

  const changed = planToJson(await expectedPlan('vpc', 'changed'));
  t.match(changed.waves[0]?.stacks.find((s) => s.id === 'eks')?.parents, [{ id: 'vpc', when: 'changed' }]);
  const byFlag = await runCli(['plan', 'vpc', '--format=json', '--cascade-edge-mode', 'changed'], cliEnv(credentials()));
  t.same(JSON.parse(byFlag.stdout), changed);
  const byVariable = await runCli(['plan', 'vpc', '--format', 'json'], cliEnv({ ...credentials(), CASCADE_EDGE_MODE: 'changed' }));
  t.same(JSON.parse(byVariable.stdout), changed);
  t.equal(fake.triggers.length, 0);
});

t.test('failures: unknown stack 1, rejected key 4, bad edge mode 2', async (t) => {
  const unknown = await runCli(['plan', 'nope'], cliEnv(credentials()));
  t.same(
    [unknown.code, unknown.stderr, unknown.stdout],
    [1, `plan: stack nope not found at ${fake.url} (or not visible to API key ${fake.apiKeyId})\n`, ''],
  );
  const wrongSecret = 'definitely-not-the-secret';
  const rejected = await runCli(['plan', 'vpc'], cliEnv({ ...credentials(), SPACELIFT_API_KEY_SECRET: wrongSecret }));
  t.equal(rejected.code, 4, rejected.stderr);
  t.match(rejected.stderr, /^plan: .*rejected/);
  t.notMatch(rejected.stderr + rejected.stdout, wrongSecret);
  const mode = await runCli(['plan', 'vpc'], cliEnv({ ...credentials(), CASCADE_EDGE_MODE: 'never' }));
  t.same([mode.code, mode.stderr], [2, "plan: CASCADE_EDGE_MODE must be one of always, changed, got 'never'\n"]);
});

t.test('with HCP Terraform configured, plan and graph read both platforms and create nothing in either', async (t) => {
  const tfc = await startFakeTerraform({
    organization: 'acme',
    workspaces: [
      { name: 'network', tags: ['dependson:spacelift:vpc', 'group:edge'] },
      { name: 'cdn', tags: ['dependson:group:edge'] },
    ],
  });
  t.teardown(() => tfc.close());
  const env = cliEnv({ ...credentials(), TFC_URL: tfc.url, TFC_ORGANIZATION: 'acme', TFC_TOKEN: tfc.token });
  const res = await runCli(['plan', 'vpc'], env);
  t.equal(res.code, 0, res.stderr);
  t.match(res.stdout, /^Wave 1: dns, eks, rds \(when changed\), tfc:network$/m);
  t.match(res.stdout, /^Wave 2: app \(approval\), mail \(on FAILED\), tfc:cdn \(via group:edge\)$/m);
  t.match(res.stdout, /^ {2}group:edge: tfc:network$/m);
  const graph = await runCli(['graph', '--root', 'tfc:network', '--format', 'json'], env);
  t.equal(graph.code, 0, graph.stderr);
  t.match(JSON.parse(graph.stdout), { root: 'tfc:network', edges: [{ parent: 'tfc:network', child: 'tfc:cdn', groups: ['edge'] }] });
  t.same([tfc.triggers.length, fake.triggers.length], [0, 0]);
  const unknown = await runCli(['plan', 'nope'], env);
  t.match(unknown.stderr, /nor in HCP Terraform organization acme/);
});
