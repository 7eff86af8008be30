import { loadConfig } from '../config/load-config';
import { CASCADE_WORKFLOW_TYPE } from '../workflows/cascade-types';
import { CHAIN_WORKFLOW_TYPE, type ChainResult } from '../workflows/types';
import type { CommandContext } from './command-context';
import { readCascadeStatus } from './control/cascade-status';
import { cascadeStatusToJson, renderCascadeStatus, renderChainStatus, type WorkflowHeader } from './control/render-status';
import { EXIT, type ExitCode } from './exit-codes';
import { withTemporal } from '../service/temporal-session';

/** Where every stack of a cascade stands (the cascadeStatus query); for a StackDependencyChainWorkflow, its result. */
export async function runStatus(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'status' });
  const workflowId = context.arguments['workflow-id'];
  const json = context.options.format === 'json';
  return withTemporal(config.temporal, async (session) => {
    const handle = session.client.workflow.getHandle(workflowId);
    const description = await session.describe(handle);
    const header: WorkflowHeader = { workflowId, workflowType: description.type, execution: description.status.name };
    if (description.type === CASCADE_WORKFLOW_TYPE) {
      const status = await readCascadeStatus(session, handle, description);
      context.stdout(json ? JSON.stringify(cascadeStatusToJson(header, status), null, 2) : renderCascadeStatus(header, status));
      return EXIT.ok;
    }
    if (description.type === CHAIN_WORKFLOW_TYPE) {
      const result = header.execution === 'COMPLETED' ? ((await session.call(() => handle.result())) as ChainResult) : null;
      context.stdout(json ? JSON.stringify({ ...header, result }, null, 2) : renderChainStatus(header, result));
      return EXIT.ok;
    }
    throw new Error(`workflow ${workflowId} is a ${description.type}, not a ${CASCADE_WORKFLOW_TYPE} or ${CHAIN_WORKFLOW_TYPE}`);
  });
}
