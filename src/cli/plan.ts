import { buildPlan } from '../cascade/plan';
import { planToJson, renderPlan } from '../cascade/render-plan';
import { loadConfig } from '../config/load-config';
import { SpaceliftClient } from '../spacelift/client';
import type { CommandContext } from './command-context';
import { quietLogger } from '../log/quiet-logger';
import { readAllUnits } from '../service/terraform-client';
import { EXIT, type ExitCode } from './exit-codes';

/**
 * What a finished run of <stack-id> would cascade into, from one read of the account (searchStacks) and the same
 * planner the workflow uses. Read-only: it never triggers anything, and needs no Temporal.
 */
export async function runPlan(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'plan' });
  const root = context.arguments['stack-id'];
  // The plan is the output; client logs would only add noise unless asked for.
  const logger = quietLogger(config);
  const client = new SpaceliftClient({ ...config.spacelift, logger: logger.child({ component: 'spacelift' }) });
  const stacks = await readAllUnits(config, client, logger);
  if (!stacks.some((stack) => stack.id === root)) {
    const where = `${config.spacelift.endpoint} (or not visible to API key ${config.spacelift.apiKeyId})`;
    throw new Error(
      `stack ${root} not found at ${config.terraform ? `${where} nor in HCP Terraform organization ${config.terraform.organization}` : where}`,
    );
  }
  const plan = buildPlan(root, stacks, { globalWhen: config.cascade.edgeMode });
  context.stdout(context.options.format === 'json' ? JSON.stringify(planToJson(plan), null, 2) : renderPlan(plan));
  return EXIT.ok;
}
