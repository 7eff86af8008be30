import type { CommandContext } from './command-context';
import { sendDecision } from './control/send-decision';
import type { ExitCode } from './exit-codes';

/** `reject <workflow-id> <stack-id> [--by NAME] [--reason TEXT]`: the stack and everything below it are skipped. */
export function runReject(context: CommandContext): Promise<ExitCode> {
  return sendDecision(context, 'reject');
}
