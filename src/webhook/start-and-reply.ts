import type { LogFields } from '../log/logger';
import { describeError } from '../log/describe-error';
import type { StartCascadeOutcome, StartCascadeRequest } from '../temporal/start-cascade';
import { unavailable, type Reply } from './reply';

export type StartCascade = (request: StartCascadeRequest) => Promise<StartCascadeOutcome>;

/** Starts the cascade of a finished run: 200 started/duplicate, or 503 so the platform redelivers. */
export async function startAndReply(request: StartCascadeRequest, startCascade: StartCascade, fields: LogFields): Promise<Reply> {
  let outcome: StartCascadeOutcome;
  try {
    outcome = await startCascade(request);
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
