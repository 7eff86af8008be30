import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../config/load-config';
import { CASCADE_WORKFLOW_TYPE } from '../workflows/cascade-types';
import type { CommandContext } from './command-context';
import { readCascadeStatus } from './control/cascade-status';
import { renderCascadeStatus } from './control/render-status';
import { EXIT, type ExitCode } from './exit-codes';
import { withTemporal, type TemporalSession } from '../service/temporal-session';

/** How long to wait for the workflow to finish cancelling (it stops the runs it queued first) before returning. */
const CLOSE_WAIT_MS = 20_000;
const CLOSE_POLL_MS = 250;

/**
 * Requests cancellation, then waits a little for the workflow to end so it can say what happened: a cascade
 * cancels or discards the runs it queued and marks waiting stacks cancelled. An ended workflow is left alone.
 */
export async function runCancel(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'cancel' });
  const workflowId = context.arguments['workflow-id'];
  return withTemporal(config.temporal, async (session) => {
    const handle = session.client.workflow.getHandle(workflowId);
    const description = await session.describe(handle);
    if (description.status.name !== 'RUNNING') {
      context.stdout(`${workflowId} (${description.type}) has already ended (${description.status.name}); nothing to cancel`);
      return EXIT.ok;
    }
    await session.call(() => handle.cancel());
    context.stdout(`cancellation requested for ${workflowId} (${description.type})`);

    const ended = await waitUntilClosed(session, handle);
    if (!ended) {
      context.stdout(
        `${workflowId} is still stopping (it cancels the runs it queued first); follow it with: spacelift-cascade status ${workflowId}`,
      );
      return EXIT.ok;
    }
    const header = { workflowId, workflowType: ended.type, execution: ended.status.name };
    if (ended.type !== CASCADE_WORKFLOW_TYPE) {
      context.stdout(`${workflowId} is ${ended.status.name}`);
      return EXIT.ok;
    }
    context.stdout(renderCascadeStatus(header, await readCascadeStatus(session, handle, ended)));
    return EXIT.ok;
  });
}

async function waitUntilClosed(session: TemporalSession, handle: WorkflowHandle): Promise<WorkflowExecutionDescription | undefined> {
  const deadline = Date.now() + CLOSE_WAIT_MS;
  while (Date.now() < deadline) {
    const description = await session.describe(handle);
    if (description.status.name !== 'RUNNING') return description;
    await new Promise((resolve) => setTimeout(resolve, CLOSE_POLL_MS));
  }
  return undefined;
}
