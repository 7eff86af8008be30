import type { Connection } from '@temporalio/client';
import { describeError } from '../log/describe-error';

export interface ProbeResult {
  ok: boolean;
  reason: string;
}

/** Re-ask Temporal at most this often: /readyz may be polled every second by several load balancers. */
const PROBE_TTL_MS = 5_000;
const PROBE_DEADLINE_MS = 2_000;

/**
 * Whether Temporal answers GetSystemInfo, cached for 5 s; concurrent callers share one in-flight call.
 */
export function createTemporalProbe(connection: Connection, address: string, now: () => number = Date.now): () => Promise<ProbeResult> {
  let cached: { result: ProbeResult; at: number } | undefined;
  let inFlight: Promise<ProbeResult> | undefined;

  const probe = async (): Promise<ProbeResult> => {
    try {
      await connection.withDeadline(now() + PROBE_DEADLINE_MS, () => connection.workflowService.getSystemInfo({}));
      return { ok: true, reason: 'ready' };
    } catch (err) {
      return { ok: false, reason: `Temporal at ${address} is unreachable: ${describeError(err)}` };
    }
  };

  return () => {
    if (cached && now() - cached.at < PROBE_TTL_MS) return Promise.resolve(cached.result);
    inFlight ??= probe().then((result) => {
      cached = { result, at: now() };
      inFlight = undefined;
      return result;
    });
    return inFlight;
  };
}
