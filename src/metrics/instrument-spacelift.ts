import type { PlatformApi } from '../platform/types';
import type { CascadeMetrics, PlatformCallMetrics } from './cascade-metrics';

type Operation = Exclude<keyof PlatformApi, 'ownsTrigger'>;
type Method = (...args: never[]) => Promise<unknown>;

/**
 * Every PlatformApi method, as a Record so that a method added to the interface is a compile error here
 * until it is instrumented too (a silently unwrapped call would vanish from the dashboards).
 */
const OPERATIONS: Record<Operation, true> = {
  listCandidateDependents: true,
  listAllStacks: true,
  triggerRun: true,
  getRun: true,
  listRunsSince: true,
  cancelRun: true,
  verifyCredentials: true,
};

/** spacelift_cascade_spacelift_{requests,errors}_total and _request_duration_seconds. */
export function instrumentSpacelift(api: PlatformApi, metrics: CascadeMetrics): PlatformApi {
  return instrumentPlatform(api, { calls: metrics.spaceliftCalls, errors: metrics.spaceliftErrors, duration: metrics.spaceliftDuration });
}

/** spacelift_cascade_terraform_{requests,errors}_total and _request_duration_seconds. */
export function instrumentTerraform(api: PlatformApi, metrics: CascadeMetrics): PlatformApi {
  return instrumentPlatform(api, metrics.terraform);
}

/**
 * Wraps every PlatformApi call with a call counter, an error counter (labelled by error class, e.g.
 * SpaceliftAuthError) and a latency histogram. Results and errors pass through unchanged.
 */
function instrumentPlatform(api: PlatformApi, metrics: PlatformCallMetrics): PlatformApi {
  const timed =
    (operation: Operation) =>
    async (...args: unknown[]): Promise<unknown> => {
      const started = process.hrtime.bigint();
      metrics.calls.inc({ operation });
      try {
        return await (api[operation] as Method).apply(api, args as never[]);
      } catch (err) {
        metrics.errors.inc({ operation, error: errorClass(err) });
        throw err;
      } finally {
        metrics.duration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };

  const wrapped = Object.fromEntries((Object.keys(OPERATIONS) as Operation[]).map((operation) => [operation, timed(operation)]));
  return {
    ...(wrapped as Pick<PlatformApi, Operation>),
    ownsTrigger: (triggeredBy) => api.ownsTrigger(triggeredBy),
  };
}

function errorClass(err: unknown): string {
  return err instanceof Error ? err.name : 'NonError';
}
