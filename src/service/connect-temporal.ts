import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config/types';
import { connectionOptions } from '../temporal/connection';
import { reasonOf } from '../log/describe-error';
import { withTimeout } from '../async/with-timeout';
import { TemporalUnreachableError } from './errors';
import { probeTcp } from './tcp-probe';

/** Fail fast at start-up: systemd restarts us, which beats hanging on a wrong address. */
export const CONNECT_TIMEOUT = '5s';
const CONNECT_TIMEOUT_MS = 5_000;

/** The client connection (workflow starts, probes, check-connection). */
export async function connectClient(config: TemporalConfig): Promise<Connection> {
  try {
    await probeTcp(config.address, CONNECT_TIMEOUT_MS);
    return await Connection.connect({ ...connectionOptions(config), connectTimeout: CONNECT_TIMEOUT });
  } catch (err) {
    throw new TemporalUnreachableError(config.address, config.namespace, reasonOf(err), { cause: err });
  }
}

/**
 * The listener's connection: created at once, connected on first use, so the listener can bind while Temporal is
 * down. A call made meanwhile fails (the webhook is answered 503); the channel keeps reconnecting, at most 5 s apart.
 */
export function lazyClient(config: TemporalConfig): Connection {
  return Connection.lazy({
    ...connectionOptions(config),
    connectTimeout: CONNECT_TIMEOUT,
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5_000 },
  });
}

/** The worker's native (Rust core) connection. */
export async function connectNative(config: TemporalConfig): Promise<NativeConnection> {
  try {
    await probeTcp(config.address, CONNECT_TIMEOUT_MS);
    return await withTimeout(NativeConnection.connect(connectionOptions(config)), 10_000, 'no answer within 10s');
  } catch (err) {
    throw new TemporalUnreachableError(config.address, config.namespace, reasonOf(err), { cause: err });
  }
}
