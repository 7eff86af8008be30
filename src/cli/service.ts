import type { ServiceEnd } from '../service/run-until-signal';
import type { CommandContext } from './command-context';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes';

/**
 * serve, worker and webhook: the service runs (src/service/run-service.ts) until a signal, then exits 0 after a clean
 * stop; after a component's failure, that failure's exit code (3 for Temporal refusing the worker, else 1).
 */
export async function runServiceCommand(role: 'serve' | 'worker' | 'webhook', context: CommandContext): Promise<ExitCode> {
  const service = await import('../service/run-service');
  const run = { serve: service.runServe, worker: service.runWorker, webhook: service.runWebhook }[role];
  return exitCodeOf(await run({ env: context.env, flags: context.configFlags }));
}

function exitCodeOf(end: ServiceEnd): ExitCode {
  if ('signal' in end) return end.clean ? EXIT.ok : EXIT.failure;
  return exitCodeFor(end.failure) === EXIT.temporalUnreachable ? EXIT.temporalUnreachable : EXIT.failure;
}
