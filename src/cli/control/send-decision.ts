import { loadConfig } from '../../config/load-config';
import { approveSignal, CASCADE_WORKFLOW_TYPE, rejectSignal, type ApprovalSignal } from '../../workflows/cascade-types';
import type { CommandContext } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import { withTemporal } from '../../service/temporal-session';
import { readCascadeStatus } from './cascade-status';

export type DecisionCommand = 'approve' | 'reject';

/**
 * approve / reject: only a stack the cascade reports as waiting_for_approval is signalled, so a typo or a late
 * answer is refused with the reason instead of being recorded and silently ignored.
 */
export async function sendDecision(context: CommandContext, decision: DecisionCommand): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: decision });
  const workflowId = context.arguments['workflow-id'];
  const stackId = context.arguments['stack-id'];
  const by = context.options.by ?? context.env.USER;
  const reason = decision === 'reject' ? context.options.reason : undefined;
  return withTemporal(config.temporal, async (session) => {
    const handle = session.client.workflow.getHandle(workflowId);
    const description = await session.describe(handle);
    if (description.type !== CASCADE_WORKFLOW_TYPE) {
      throw new Error(`workflow ${workflowId} is a ${description.type}; only a ${CASCADE_WORKFLOW_TYPE} has approval gates`);
    }
    if (description.status.name !== 'RUNNING')
      throw new Error(`cascade ${workflowId} has ended (${description.status.name}); nothing waits for approval`);
    const stack = (await readCascadeStatus(session, handle, description)).stacks.find((s) => s.id === stackId);
    if (!stack) throw new Error(`stack ${stackId} is not part of cascade ${workflowId}`);
    if (stack.state !== 'waiting_for_approval') {
      throw new Error(
        `stack ${stackId} is not waiting for approval in cascade ${workflowId}: it is ${stack.state}${stack.reason ? ` (${stack.reason})` : ''}`,
      );
    }
    const signal: ApprovalSignal = { stackId, ...(by ? { by } : {}), ...(reason ? { reason } : {}) };
    await session.call(() => handle.signal(decision === 'approve' ? approveSignal : rejectSignal, signal));
    const verb = decision === 'approve' ? 'approved' : 'rejected';
    context.stdout(
      `${verb} ${stackId} in cascade ${workflowId}${by ? ` (by ${by}${reason ? `: ${reason}` : ''})` : reason ? ` (${reason})` : ''}`,
    );
    return EXIT.ok;
  });
}
