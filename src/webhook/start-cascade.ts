import type { LogFields } from '../log/logger';
import { describeError } from '../log/describe-error';
import type { StartChainOutcome, StartChainRequest } from '../temporal/start-chain';
import { unavailable, type Reply } from './reply';

export type StartChain = (request: StartChainRequest) => Promise<StartChainOutcome>;

/** Starts the cascade of a finished run: 200 started/duplicate, or 503 so the platform redelivers. */
export async function startCascade(request: StartChainRequest, startChain: StartChain, fields: LogFields): Promise<Reply> {
  let outcome: StartChainOutcome;
  try {
    outcome = await startChain(request);
  } catch (err) {
    // Temporal is unreachable or refused: a 5xx makes the platform redeliver (Spacelift, when retries are enabled).
    return unavailable('Temporal did not accept the workflow start; retry', { ...fields, error: describeError(err) });
  }
  return {
    status: 200,
    outcome: outcome.status,
    body: { status: outcome.status, workflowId: outcome.workflowId },
    fields: { ...fields, workflowId: outcome.workflowId },
  };
}
