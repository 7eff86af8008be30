import {
  Client,
  isGrpcDeadlineError,
  isGrpcServiceError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import type { TemporalConfig } from '../config/types';
import { TemporalUnreachableError } from './errors';
import { connectClient } from './connect-temporal';
import { reasonOf } from '../log/describe-error';

/** One RPC of a control command; a workflow query waits for a worker, so it gets longer. */
const CALL_DEADLINE_MS = 10_000;
const GRPC_UNAVAILABLE = 14;
const GRPC_FAILED_PRECONDITION = 9;

export interface TemporalSession {
  client: Client;
  config: TemporalConfig;
  /** Runs one call with the standard deadline. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** The workflow's description, or a one-line error naming the ID and namespace when there is no such workflow. */
  describe(handle: WorkflowHandle): Promise<WorkflowExecutionDescription>;
}

/**
 * A client for the control commands (status, approve, reject, cancel): connects (exit 3 when it cannot), runs
 * `fn`, and always closes. Temporal becoming unavailable midway is exit 3 as well; anything else propagates.
 */
export async function withTemporal<T>(config: TemporalConfig, fn: (session: TemporalSession) => Promise<T>): Promise<T> {
  const connection = await connectClient(config);
  const client = new Client({ connection, namespace: config.namespace });
  const call = <R>(work: () => Promise<R>): Promise<R> => connection.withDeadline(Date.now() + CALL_DEADLINE_MS, work);
  const session: TemporalSession = {
    client,
    config,
    call,
    describe: async (handle) => {
      try {
        return await call(() => handle.describe());
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new Error(`workflow ${handle.workflowId} not found in namespace ${config.namespace}`, { cause: err });
        throw err;
      }
    },
  };
  try {
    return await fn(session);
  } catch (err) {
    if (isUnavailable(err)) throw new TemporalUnreachableError(config.address, config.namespace, reasonOf(err), { cause: err });
    throw err;
  } finally {
    await connection.close();
  }
}

/** Whether `err` or one of its causes is a gRPC error that `matches`. */
function grpcCause(err: unknown, matches: (code: number, details: string) => boolean): boolean {
  for (let cause = err; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && matches(cause.code, cause.details)) return true;
  }
  return false;
}

/** A deadline hit while waiting for a worker is explained by the caller; a server that went away is not ours to explain. */
function isUnavailable(err: unknown): boolean {
  return grpcCause(err, (code) => code === GRPC_UNAVAILABLE);
}

/**
 * Whether a query failed because no worker answered (the workflow needs one to run its query handler): the call's
 * deadline passed, or the server gave up first because no worker has polled the task queue lately.
 */
export function noWorkerAnswered(err: unknown): boolean {
  return (
    isGrpcDeadlineError(err) || grpcCause(err, (code, details) => code === GRPC_FAILED_PRECONDITION && /no poller seen/i.test(details))
  );
}
