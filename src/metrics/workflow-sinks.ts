/**
 * The worker end of the workflows' metrics sinks (src/workflows/sinks.ts).
 *
 * Counters are not called on replay, so a cascade replayed after a restart or a cache eviction is not counted
 * twice (a workflow task that fails and is retried may still count twice: sinks are best effort).
 *
 * The approvals gauge is the sum of each cascade's waiting set, and each call replaces that cascade's whole set,
 * so it is called on replay too: a replay walks the set through its past values and ends on the current one.
 * Limits: the sets live in this process. A cascade evicted from this worker's cache and continued on another
 * worker is counted by both until this one restarts or sees it again; a terminated cascade (no workflow code runs)
 * stays counted until the worker restarts; a restarted worker counts a waiting cascade only once it replays it
 * (its next signal, timer or query).
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { CascadeSinks } from '../workflows/sinks';
import type { CascadeMetrics } from './cascade-metrics';

/** Waiting approvals per cascade (workflow ID), kept per metrics object so that workers sharing one agree. */
const waitingBooks = new WeakMap<CascadeMetrics, Map<string, number>>();

export function createWorkflowSinks(metrics: CascadeMetrics): InjectedSinks<CascadeSinks> {
  const waiting = waitingBooks.get(metrics) ?? new Map<string, number>();
  waitingBooks.set(metrics, waiting);
  return {
    cascadeMetrics: {
      runTriggered: { fn: () => metrics.triggers.inc({}), callDuringReplay: false },
      cascadeEnded: { fn: (_info, outcome) => metrics.cascades.inc({ outcome }), callDuringReplay: false },
      approvalsWaiting: {
        fn: ({ workflowId }, stackIds) => {
          const count = new Set(stackIds).size;
          if (count > 0) waiting.set(workflowId, count);
          else waiting.delete(workflowId);
          metrics.approvalsWaiting.set(
            {},
            [...waiting.values()].reduce((sum, n) => sum + n, 0),
          );
        },
        callDuringReplay: true,
      },
      // The whole picture per cascade, like approvals: on replay too, ending on the current one.
      oldestWaits: { fn: ({ workflowId }, oldest) => metrics.oldestWaits.set(workflowId, oldest), callDuringReplay: true },
    },
  };
}
