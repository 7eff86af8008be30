// Shared setup for the HCP Terraform client tests: a fake organization and a client pointed at it.
import { TerraformClient, type TerraformClientOptions } from '../../src/terraform/client';
import { startFakeTerraform, type FakeTerraformOptions } from '../support/fake-terraform';

export const WORKSPACES = [
  { name: 'network', tags: ['team:platform'] },
  { name: 'eks', tags: ['dependson:network'] },
  { name: 'app', tags: ['dependson:eks', 'dependson:network'] },
];

export async function setup(t: tap.Test, options: FakeTerraformOptions = {}, client: Partial<TerraformClientOptions> = {}) {
  const fake = await startFakeTerraform({ workspaces: WORKSPACES, ...options });
  const tfc = new TerraformClient({ baseUrl: fake.url, token: fake.token, organization: fake.organization, timeoutMs: 2_000, ...client });
  t.teardown(async () => {
    await tfc.close();
    await fake.close();
  });
  return { fake, client: tfc };
}

/** The error a promise rejects with; fails the test if it resolves. */
export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as Error & { retryable: boolean; context: Record<string, unknown> },
  );
