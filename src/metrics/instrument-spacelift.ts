import type { SpaceliftApi } from '../spacelift/types';
import type { CascadeMetrics } from './cascade-metrics';

type Operation = Exclude<keyof SpaceliftApi, 'triggeredBy'>;
type Method = (...args: never[]) => Promise<unknown>;

/**
 * Every SpaceliftApi method, as a Record so that a method added to the interface is a compile error here
 * until it is instrumented too (a silently unwrapped call would vanish from the dashboards).
 */
const OPERATIONS: Record<Operation, true> = {
  listCandidateDependents: true,
  listAllStacks: true,
  triggerRun: true,
  getRun: true,
  listRecentRuns: true,
  cancelRun: true,
  verifyCredentials: true,
};

/**
 * Wraps every SpaceliftApi call with a call counter, an error counter (labelled by error class, e.g.
 * SpaceliftAuthError) and a latency histogram. Results and errors pass through unchanged.
 */
export function instrumentSpacelift(api: SpaceliftApi, metrics: CascadeMetrics): SpaceliftApi {
  const timed = (operation: Operation) =>
    async (...args: unknown[]): Promise<unknown> => {
      const started = process.hrtime.bigint();
      metrics.spaceliftCalls.inc({ operation });
      try {
        return await (api[operation] as Method).apply(api, args as never[]);
      } catch (err) {
        metrics.spaceliftErrors.inc({ operation, error: errorClass(err) });
        throw err;
      } finally {
        metrics.spaceliftDuration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };

  const wrapped = Object.fromEntries((Object.keys(OPERATIONS) as Operation[]).map((operation) => [operation, timed(operation)]));
  return {
    ...(wrapped as Pick<SpaceliftApi, Operation>),
    get triggeredBy() {
      return api.triggeredBy;
    },
  };
}

function errorClass(err: unknown): string {
  return err instanceof Error ? err.name : 'NonError';
}
