import type { CommandContext } from './command-context';
import { sendDecision } from './control/send-decision';
import type { ExitCode } from './exit-codes';

/** `approve <workflow-id> <stack-id> [--by NAME]`: a stack labelled cascade:approval may run. */
export function runApprove(context: CommandContext): Promise<ExitCode> {
  return sendDecision(context, 'approve');
}
