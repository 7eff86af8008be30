import { ApplicationFailure, Context, activityInfo, log } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { parseEdges } from '../cascade/edges';
import { buildPlan } from '../cascade/plan';
import type { CascadePlan } from '../cascade/types';
import type { DiscoveryMode } from '../config/types';
import { adapterFor, listAllUnits, listCandidateUnits, type Platforms } from '../platform/router';
import { isSince } from '../platform/runs-since';
import { dependsOn } from '../spacelift/labels';
import { PlatformError } from '../platform/errors';
import type { Run, RunDelta, PlatformApi, Stack } from '../platform/types';
import type { DependentStackInfo } from '../workflows/types';
import { STACK_RUNS_WORKFLOW_TYPE, type StackRunsResult } from '../workflows/stack-runs-types';
import { createReportingActivities, type ReportingDeps } from './reporting';
import { stackRunsWorkflowId } from '../workflows/workflow-ids';

export type { AuditInput } from './reporting';

export interface TriggerInput {
  stackId: string;
  /** Epoch ms when the workflow decided to trigger; runs created since then by us count as ours. */
  intentAt: number;
  /** Runs a retry must never adopt: the ones StackRunsWorkflow already tracks for other cascades. */
  excludeRunIds?: string[];
  /**
   * Look for a run of ours since `intentAt` before triggering, even on the first attempt: a local activity whose
   * workflow task is a retry (an earlier one may have triggered and died before its result was recorded).
   */
  lookFirst?: boolean;
}

export interface ActivityDeps extends ReportingDeps {
  spacelift: PlatformApi;
  /** HCP Terraform / Terraform Enterprise, when configured: its workspaces join cascades as `tfc:<workspace>`. */
  terraform?: PlatformApi;
  /** How the cascade discovers its graph: one sweep of the account, or label searches level by level. */
  discovery?: DiscoveryMode;
  /**
   * The client that starts StackRunsWorkflow; the worker's own (activity context) when absent. createWorker passes one
   * with the tracing interceptors, so a stack's workflow joins the trace of the cascade that started it.
   */
  temporal?: Client;
  /** SPACELIFT_TRIGGER_RATE of this worker; 0 or absent: no limit (see `triggerRate`). */
  triggerRatePerSecond?: number;
}

/**
 * Activities get their platform clients from here, so tests pass fakes instead of patching modules. The graph
 * cascade's activities take unit IDs and route them to their platform; the direct mode's stay Spacelift-only.
 */
export function createActivities({
  spacelift,
  terraform,
  discovery = 'scan',
  temporal,
  triggerRatePerSecond = 0,
  ...reporting
}: ActivityDeps) {
  const platforms: Platforms = { spacelift, ...(terraform ? { tfc: terraform } : {}) };
  /** Runs `call` with the unit's adapter and native ID, Spacelift/HCP Terraform errors mapped for Temporal. */
  const onUnit = <T>(unit: string, call: (api: PlatformApi, id: string) => Promise<T>): Promise<T> =>
    withFailureMapping(() => {
      const { api, id } = adapterFor(platforms, unit);
      return call(api, id);
    });
  return {
    ...createReportingActivities(reporting),

    /** Discovers the downstream graph of a stack and plans it; only the plan (not the account) enters history. */
    planCascade: async ({ stackId, globalWhen }: { stackId: string; globalWhen: 'always' | 'changed' }): Promise<CascadePlan> => {
      if (discovery === 'label') {
        const stacks = await withFailureMapping(() => discoverByLabel(platforms, stackId));
        // Only the downstream graph was read, so parents elsewhere would look like broken references.
        return { ...buildPlan(stackId, stacks, { globalWhen }), brokenReferences: [] };
      }
      const stacks = await withFailureMapping(() => listAllUnits(platforms));
      return buildPlan(stackId, stacks, { globalWhen });
    },

    getRunState: async ({ stackId, runId }: { stackId: string; runId: string }): Promise<{ state: string; delta: RunDelta | null }> => {
      const run = await onUnit(stackId, (api, id) => api.getRun(id, runId));
      return { state: run.state, delta: run.delta ?? null };
    },

    cancelRun: async ({ stackId, runId }: { stackId: string; runId: string }): Promise<{ state: string }> => {
      const run = await onUnit(stackId, (api, id) => api.cancelRun(id, runId));
      return { state: run.state };
    },

    /**
     * Makes sure the unit's StackRunsWorkflow runs (on the cascade's task queue), so that a cascade's signal finds it:
     * a signal to a workflow that has ended fails, and a workflow cannot start another that outlives it. A new
     * execution is handed the runs the previous one triggered, so that a retried trigger never adopts one of them.
     */
    startStackRuns: async ({ unitId, taskQueue }: { unitId: string; taskQueue: string }): Promise<{ started: boolean }> => {
      const client = temporal ?? Context.current().client;
      const workflowId = stackRunsWorkflowId(unitId);
      try {
        const recentRuns = await previousRuns(client, workflowId);
        await client.workflow.start(STACK_RUNS_WORKFLOW_TYPE, {
          workflowId,
          taskQueue,
          args: [{ unit_id: unitId, ...(recentRuns.length > 0 ? { recent_runs: recentRuns } : {}) }],
        });
        return { started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
        throw err;
      }
    },

    findDependentStacks: async (stackId: string): Promise<DependentStackInfo[]> => {
      const candidates = await withFailureMapping(() => spacelift.listCandidateDependents(stackId));
      return candidates
        .filter((stack) => stack.id !== stackId && dependsOn(stack.labels, stackId))
        .map(({ id, name, labels, attachedContexts }) => ({ id, name, labels, attachedContexts }));
    },

    /**
     * This worker's SPACELIFT_TRIGGER_RATE (0: none). Run as a local activity by a direct chain, on the worker that
     * runs the chain: only without a rate may its triggers skip the rate-limited trigger queue.
     */
    triggerRate: (): Promise<number> => {
      return Promise.resolve(triggerRatePerSecond);
    },

    triggerStackRun: async ({ stackId, intentAt, excludeRunIds = [], lookFirst = false }: TriggerInput): Promise<Run> => {
      // A retry may follow a runTrigger that Spacelift accepted but whose answer we never recorded
      // (timeout, worker crash). Adopt that run instead of starting a second one.
      return onUnit(stackId, async (api, id) => {
        if (activityInfo().attempt > 1 || lookFirst) {
          const earlier = await findOwnRunSince(api, id, intentAt, new Set(excludeRunIds));
          if (earlier) {
            log.info('adopting run triggered by an earlier attempt', { stackId, runId: earlier.id });
            return earlier;
          }
        }
        return api.triggerRun(id);
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** The runs the unit's last execution triggered (its result), when it completed; none when there is none yet. */
async function previousRuns(client: Client, workflowId: string): Promise<string[]> {
  const handle = client.workflow.getHandle(workflowId);
  const described = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  });
  if (described?.status.name !== 'COMPLETED') return [];
  const result = (await handle.result()) as Partial<StackRunsResult> | undefined;
  return Array.isArray(result?.recentRuns) ? result.recentRuns : [];
}

const CLOCK_SKEW_ALLOWANCE_MS = 60_000;

/**
 * Level-by-level discovery with the server-side label predicate: calls grow with the number of dependents,
 * not with the size of the account. Each stack is expanded once, so label cycles cannot loop here.
 */
async function discoverByLabel(platforms: Platforms, root: string): Promise<Stack[]> {
  const found = new Map<string, Stack>();
  const expanded = new Set<string>();
  let frontier = [root];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const parent of frontier) {
      expanded.add(parent);
      for (const stack of await listCandidateUnits(platforms, parent)) {
        if (!parseEdges(stack).edges.some((edge) => edge.parent === parent)) continue;
        found.set(stack.id, stack);
        if (!expanded.has(stack.id) && !next.includes(stack.id)) next.push(stack.id);
      }
    }
    frontier = next;
  }
  return [...found.values()];
}

/**
 * A run this client triggered since the decision, if any: the newest when there are several. The platform pages
 * through the unit's runs itself and answers them in no particular order, so every one is checked here. Runs in
 * `exclude` belong to other cascades (StackRunsWorkflow tracks them) and are never adopted.
 */
async function findOwnRunSince(
  platform: PlatformApi,
  unit: string,
  intentAtMs: number,
  exclude: ReadonlySet<string>,
): Promise<Run | undefined> {
  // Spacelift stamps createdAt with its own clock in seconds; allow for skew against Temporal's clock.
  const since = Math.floor((intentAtMs - CLOCK_SKEW_ALLOWANCE_MS) / 1000);
  const runs = await platform.listRunsSince(unit, since);
  const own = runs.filter((run) => platform.ownsTrigger(run.triggeredBy) && isSince(run, since) && !exclude.has(run.id));
  // Newest first; equal seconds fall back to the run ID (ULIDs sort by creation time), compared by code units.
  return own.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))[0];
}

/** Non-retryable platform errors (Spacelift's, HCP Terraform's) fail the activity at once instead of burning the retry budget. */
async function withFailureMapping<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof PlatformError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(err.message, err.name, err.context);
    }
    throw err;
  }
}
