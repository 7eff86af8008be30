import type { Config } from '../config/types';
import type { Logger } from '../log/logger';
import { withUnitIds } from '../platform/router';
import type { SpaceliftClient } from '../spacelift/client';
import type { Stack } from '../platform/types';
import { TerraformClient } from '../terraform/client';

/** The HCP Terraform client when TFC_TOKEN and TFC_ORGANIZATION are set; undefined otherwise. */
export function createTerraformClient(config: Pick<Config, 'terraform'>, logger: Logger): TerraformClient | undefined {
  const tfc = config.terraform;
  if (!tfc) return undefined;
  return new TerraformClient({
    baseUrl: tfc.url,
    token: tfc.token,
    organization: tfc.organization,
    timeoutMs: tfc.requestTimeoutMs,
    logger: logger.child({ component: 'terraform' }),
  });
}

/**
 * Every unit `plan` and `graph` draw: the Spacelift stacks and, when configured, the HCP Terraform workspaces as
 * `tfc:<workspace>`. Closes both clients.
 */
export async function readAllUnits(
  config: Pick<Config, 'terraform'>,
  spacelift: SpaceliftClient,
  logger: Logger,
  onPage?: (count: number) => void,
): Promise<Stack[]> {
  const terraform = createTerraformClient(config, logger);
  try {
    const [stacks, workspaces] = await Promise.all([spacelift.listAllStacks(onPage), terraform ? terraform.listAllStacks() : []]);
    return [...stacks, ...withUnitIds('tfc', workspaces)];
  } finally {
    await Promise.allSettled([spacelift.close(), terraform?.close()]);
  }
}
