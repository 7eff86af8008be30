/**
 * The graph cascade (CascadeWorkflow): types shared by the planner (pure), the workflow and the CLI.
 * Everything here is plain data, so it can cross the workflow sandbox boundary.
 */

/** Run states that end a run. */
export const TERMINAL_STATES = ['FINISHED', 'FAILED', 'DISCARDED', 'STOPPED', 'CANCELED', 'SKIPPED'] as const;

/** When an edge parent → child fires. Parsed from the child's label, e.g. `dependsOn:vpc|state:FAILED|when:changed`. */
export interface EdgeCondition {
  /** Upstream run states that fire the edge (default ['FINISHED']). */
  states: string[];
  /** `always` (default) or only when the upstream run changed resources (delta added/changed/deleted > 0). */
  when: 'always' | 'changed';
}

export interface Edge extends EdgeCondition {
  parent: string;
  child: string;
  /** Set when the edge comes from `dependsOn:group:<name>`: the groups through which the parent is named. */
  groups?: string[];
}

/** Per-stack settings read from labels. */
export interface StackSettings {
  /** `cascade:approval` — wait for `spacelift-cascade approve` before triggering. */
  requiresApproval: boolean;
  /** `cascadeRetries:<n>` — attempts for this stack's trigger (default 3). */
  maxAttempts?: number;
  /** `cascadeRunRetries:<n>` — a run that ends FAILED is triggered again, up to n more times (default: never). */
  runRetries?: number;
  /** `cascadePriority:<n>` — higher first among ready stacks held back by the concurrency cap (default 0). */
  priority: number;
}

export interface PlannedStack {
  id: string;
  name: string;
  settings: StackSettings;
  /** Edges from parents inside this cascade (the root included). */
  parents: Edge[];
  /** 0 for the root's direct dependents, 1 for the next level… the longest path from the root. */
  wave: number;
}

export interface CascadePlan {
  root: string;
  /** Every stack that may run, in wave order (root excluded). */
  stacks: PlannedStack[];
  /** Each cycle once, as a closed path: ['a', 'b', 'c', 'a']. */
  cycles: string[][];
  /** Stacks that will not run and why: on a cycle, or downstream of one. */
  excluded: { id: string; reason: string }[];
  /** Labels naming stacks that do not exist in the account (broken references). */
  brokenReferences: { stackId: string; missing: string }[];
  /** Groups with a member in this cascade (the root included): name and those members, sorted. Absent in old plans. */
  groups?: { name: string; members: string[] }[];
}
