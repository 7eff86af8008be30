import t from 'tap';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevEnv } from '../support/temporal';
import { startFakeSpacelift } from '../support/fake-spacelift';
import { cliEnv, runCli } from './run-cli';
import { startFakeTerraform } from '../support/fake-terraform';

const oneLine = (text: string): string[] => text.split('\n').filter((line) => line !== '');

t.test('check-connection against a real Temporal dev server', async (t) => {
  const env: TestWorkflowEnvironment = await createDevEnv();
  t.teardown(() => env.teardown());
  const address = env.address;

  t.test('lists namespaces and exits 0', async (t) => {
    const res = await runCli(['check-connection'], cliEnv({ TEMPORAL_URL: address }));
    t.equal(res.code, 0, res.stderr);
    t.ok(oneLine(res.stdout).includes('default'), `stdout lists the default namespace: ${res.stdout}`);
    t.equal(res.stderr, '');
  });

  t.test('--check-connection flag form, with Spacelift credentials verified', async (t) => {
    const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }] });
    t.teardown(() => fake.close());
    const res = await runCli(
      ['--check-connection', '--temporal-url', address],
      cliEnv({ SPACELIFT_API_ENDPOINT: fake.url, SPACELIFT_API_KEY_ID: fake.apiKeyId, SPACELIFT_API_KEY_SECRET: fake.apiKeySecret }),
    );
    t.equal(res.code, 0, res.stderr);
    t.match(res.stdout, new RegExp(`^spacelift: credentials OK for ${fake.url.replace(/\/$/, '')} \\(viewer .+\\)$`, 'm'));
  });

  t.test('rejected Spacelift credentials exit 4, secret never printed', async (t) => {
    const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }] });
    t.teardown(() => fake.close());
    const wrongSecret = 'definitely-the-wrong-secret';
    const res = await runCli(
      ['check-connection'],
      cliEnv({
        TEMPORAL_URL: address,
        SPACELIFT_API_ENDPOINT: fake.url,
        SPACELIFT_API_KEY_ID: fake.apiKeyId,
        SPACELIFT_API_KEY_SECRET: wrongSecret,
      }),
    );
    t.equal(res.code, 4, res.stderr);
    t.equal(oneLine(res.stderr).length, 1, res.stderr);
    t.match(res.stderr, /^check-connection: Spacelift rejected the API key for /);
    t.notMatch(res.stderr + res.stdout, wrongSecret);
  });

  t.test('HCP Terraform: the token and organization are checked; a refused token exits 4 without printing it', async (t) => {
    const tfc = await startFakeTerraform({ organization: 'acme', workspaces: [{ name: 'network' }] });
    t.teardown(() => tfc.close());
    const ok = await runCli(
      ['check-connection'],
      cliEnv({ TEMPORAL_URL: address, TFC_URL: tfc.url, TFC_ORGANIZATION: 'acme', TFC_TOKEN: tfc.token }),
    );
    t.equal(ok.code, 0, ok.stderr);
    t.match(ok.stdout, new RegExp(`^terraform: token OK for ${tfc.url} organization acme \\(user api-team_fake\\)$`, 'm'));
    const wrongToken = 'tfc-wrong-token-value';
    const refused = await runCli(
      ['check-connection'],
      cliEnv({ TEMPORAL_URL: address, TFC_URL: tfc.url, TFC_ORGANIZATION: 'acme', TFC_TOKEN: wrongToken }),
    );
    t.equal(refused.code, 4, refused.stderr);
    t.match(refused.stderr, new RegExp(`^check-connection: HCP Terraform at ${tfc.url} did not accept TFC_TOKEN for organization acme: `));
    t.notMatch(refused.stderr + refused.stdout, wrongToken);
    const otherOrg = await runCli(
      ['check-connection'],
      cliEnv({ TEMPORAL_URL: address, TFC_URL: tfc.url, TFC_ORGANIZATION: 'someone-else', TFC_TOKEN: tfc.token }),
    );
    t.equal(otherOrg.code, 4, 'an organization the token cannot see is a credentials problem too');
  });

  t.test('an unknown namespace is a configuration error (exit 2)', async (t) => {
    const res = await runCli(['check-connection', '--temporal-namespace', 'no-such-ns'], cliEnv({ TEMPORAL_URL: address }));
    t.equal(res.code, 2);
    t.same(oneLine(res.stderr), [
      `check-connection: namespace no-such-ns does not exist at ${address} (found: ${oneLine(res.stdout).join(', ')})`,
    ]);
  });
});

t.test('unreachable Temporal: exit 3 with one stderr line', async (t) => {
  const started = Date.now();
  const res = await runCli(['check-connection'], cliEnv({ TEMPORAL_URL: '127.0.0.1:1' }));
  t.equal(res.code, 3);
  t.same(oneLine(res.stderr), [
    'check-connection: cannot reach Temporal at 127.0.0.1:1 (namespace default): connect ECONNREFUSED 127.0.0.1:1',
  ]);
  t.equal(res.stdout, '');
  t.ok(Date.now() - started < 20_000, 'fails fast');
});

t.test('bad TEMPORAL_URL: exit 2', async (t) => {
  const res = await runCli(['check-connection'], cliEnv({ TEMPORAL_URL: 'temporal' }));
  t.equal(res.code, 2);
  t.same(oneLine(res.stderr), ["check-connection: TEMPORAL_URL must be host:port, got 'temporal'"]);
});
