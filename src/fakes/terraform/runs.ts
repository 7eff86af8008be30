/**
 * The fake organization's runs: creation, scripted outcomes advanced by show-run polls, and the cancel/discard
 * rules of the Runs API docs (discard: pending or waiting for confirmation; cancel: planning or applying).
 */
import { DISCARDABLE_STATUSES, isTerminalRunStatus } from '../../terraform/states';
import type { FakePlanCounts, FakeTerraformRunInfo, TerraformRunOutcome } from './types';

type Payload = Record<string, unknown>;

/** "The cancel action can be used to interrupt a run that is currently planning or applying." */
const CANCELABLE = new Set([
  'fetching',
  'fetching_completed',
  'pre_plan_running',
  'pre_plan_completed',
  'queuing',
  'plan_queued',
  'planning',
  'cost_estimating',
  'policy_checking',
  'post_plan_running',
  'apply_queued',
  'applying',
]);

interface Entry {
  workspace: string;
  workspaceId: string;
  id: string;
  planId: string;
  status: string;
  message: string;
  createdAtMs: number;
  plan: FakePlanCounts | null;
  polls: number;
  settled: boolean;
}

export type StopResult = { ok: true } | { ok: false; status: 404 | 409; detail: string };

export class TerraformRunBook {
  private readonly entries = new Map<string, Entry>();
  private readonly outcomes = new Map<string, TerraformRunOutcome>();
  private readonly defaultOutcome: TerraformRunOutcome | undefined;

  constructor(
    private readonly now: () => number,
    defaultOutcome?: TerraformRunOutcome,
  ) {
    this.defaultOutcome = defaultOutcome && checkOutcome('defaultRunOutcome', defaultOutcome);
  }

  create(workspace: string, workspaceId: string, message: string): Entry {
    const n = String(this.entries.size + 1).padStart(12, '0');
    const entry: Entry = {
      workspace,
      workspaceId,
      id: `run-FAKE${n}`,
      planId: `plan-FAKE${n}`,
      status: 'pending',
      message,
      createdAtMs: this.now(),
      plan: null,
      polls: 0,
      settled: false,
    };
    this.entries.set(entry.id, entry);
    return entry;
  }

  get(runId: string): Entry | undefined {
    return this.entries.get(runId);
  }

  setOutcome(workspace: string, outcome: TerraformRunOutcome): void {
    this.outcomes.set(workspace, checkOutcome(`setRunOutcome(${workspace})`, outcome));
  }

  setStatus(runId: string, status: string, plan?: FakePlanCounts | null): void {
    const entry = this.entries.get(runId);
    if (!entry) throw new Error(`fake-terraform: no run ${runId}`);
    entry.status = status;
    if (plan !== undefined) entry.plan = plan && { ...plan };
  }

  /** Show-run: applies the workspace's outcome when this poll is the one that ends the run. */
  poll(entry: Entry): Entry {
    const outcome = this.outcomes.get(entry.workspace) ?? this.defaultOutcome;
    if (outcome && !entry.settled && !isTerminalRunStatus(entry.status) && entry.polls >= (outcome.afterPolls ?? 0)) {
      entry.status = outcome.status;
      entry.plan = outcome.plan ? { ...outcome.plan } : null;
      entry.settled = true;
    }
    if (!isTerminalRunStatus(entry.status)) entry.polls += 1;
    return entry;
  }

  /** The workspace's runs, newest first. */
  list(workspace: string): Entry[] {
    return [...this.entries.values()].filter((e) => e.workspace === workspace).reverse();
  }

  stop(action: 'cancel' | 'discard', runId: string): StopResult {
    const entry = this.entries.get(runId);
    if (!entry) return { ok: false, status: 404, detail: `run ${runId} not found` };
    if (action === 'discard' && !DISCARDABLE_STATUSES.has(entry.status)) {
      return { ok: false, status: 409, detail: 'Run was not paused for confirmation or priority; discard not allowed.' };
    }
    if (action === 'cancel' && !CANCELABLE.has(entry.status)) {
      return { ok: false, status: 409, detail: 'Run was not planning or applying; cancel not allowed.' };
    }
    entry.status = action === 'cancel' ? 'canceled' : 'discarded';
    entry.settled = true;
    return { ok: true };
  }

  info(workspace?: string): FakeTerraformRunInfo[] {
    return [...this.entries.values()]
      .filter((e) => workspace === undefined || e.workspace === workspace)
      .map((e) => ({ workspace: e.workspace, id: e.id, status: e.status, message: e.message, plan: e.plan && { ...e.plan } }));
  }
}

export type RunEntry = Entry;

/** The run resource as the API answers it. */
export function renderRun(entry: Entry): Payload {
  const createdAt = new Date(entry.createdAtMs).toISOString();
  return {
    id: entry.id,
    type: 'runs',
    attributes: {
      actions: {
        'is-cancelable': CANCELABLE.has(entry.status),
        'is-confirmable': entry.status === 'planned',
        'is-discardable': DISCARDABLE_STATUSES.has(entry.status),
        'is-force-cancelable': false,
      },
      'canceled-at': null,
      'created-at': createdAt,
      'has-changes': entry.plan !== null,
      'is-destroy': false,
      message: entry.message,
      'plan-only': false,
      source: 'tfe-api',
      status: entry.status,
      'status-timestamps': { 'plan-queueable-at': createdAt },
      'trigger-reason': 'manual',
    },
    relationships: {
      workspace: { data: { id: entry.workspaceId, type: 'workspaces' } },
      plan: { data: { id: entry.planId, type: 'plans' } },
    },
    links: { self: `/api/v2/runs/${entry.id}` },
  };
}

/** The run's plan: finished with counts once an outcome gave some; pending before the run ends; unreachable after. */
export function renderPlan(entry: Entry): Payload {
  const { plan } = entry;
  const status = plan ? 'finished' : isTerminalRunStatus(entry.status) ? 'unreachable' : 'pending';
  return {
    id: entry.planId,
    type: 'plans',
    attributes: {
      status,
      'has-changes': plan !== null && plan.additions + plan.changes + plan.destructions > 0,
      'resource-additions': plan?.additions ?? null,
      'resource-changes': plan?.changes ?? null,
      'resource-destructions': plan?.destructions ?? null,
      'resource-imports': 0,
    },
    links: { self: `/api/v2/plans/${entry.planId}` },
  };
}

function checkOutcome(where: string, outcome: TerraformRunOutcome): TerraformRunOutcome {
  const { status, afterPolls, plan } = outcome;
  if (typeof status !== 'string' || !/^[a-z][a-z_]*$/.test(status))
    throw new Error(`fake-terraform: ${where} needs a lower_snake status, got ${String(status)}`);
  if (afterPolls !== undefined && (!Number.isInteger(afterPolls) || afterPolls < 0)) {
    throw new Error(`fake-terraform: ${where}.afterPolls must be a non-negative integer, got ${afterPolls}`);
  }
  const counts = plan ? [plan.additions, plan.changes, plan.destructions] : [];
  if (counts.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`fake-terraform: ${where}.plan counts must be non-negative integers`);
  return { status, ...(afterPolls === undefined ? {} : { afterPolls }), ...(plan === undefined ? {} : { plan: plan && { ...plan } }) };
}
