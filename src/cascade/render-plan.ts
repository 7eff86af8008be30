/**
 * `spacelift-cascade plan <stack>` output: readable text, or a stable JSON shape for `--format json`.
 *
 * Waves are numbered from 1 for people (PlannedStack.wave counts from 0). Both outputs list everything in the
 * plan's own deterministic order, so they can be diffed and asserted exactly.
 */
import { edgeMarkers } from '../graph/markers';
import { formatPath } from './plan';
import type { CascadePlan, Edge, PlannedStack } from './types';

/** buildPlan's report carries label problems; a bare CascadePlan renders without that section. */
export type RenderablePlan = CascadePlan & { problems?: readonly string[] };

export interface PlanJsonStack {
  id: string;
  name: string;
  requiresApproval: boolean;
  /** null: the workflow's default number of attempts. */
  maxAttempts: number | null;
  /** `cascadeRunRetries:<n>`: how often a FAILED run is triggered again; 0 when never. */
  runRetries: number;
  priority: number;
  /** Only parents inside this cascade (the root included); `groups` when named through `dependsOn:group:<name>`. */
  parents: { id: string; states: string[]; when: Edge['when']; groups?: string[] }[];
}

/** Version 1 of the JSON shape; fields are only ever added, and a breaking change bumps schemaVersion. */
export interface PlanJson {
  schemaVersion: 1;
  root: string;
  summary: { stacks: number; waves: number };
  /** In running order; `wave` is 1-based, as in the text output. */
  waves: { wave: number; stacks: PlanJsonStack[] }[];
  cycles: string[][];
  excluded: { id: string; reason: string }[];
  brokenReferences: { stackId: string; missing: string }[];
  /** Groups with a member in this cascade, and those members. */
  groups: { name: string; members: string[] }[];
  problems: string[];
}

/** The text report, one line per entry, without a trailing newline. */
export function renderPlan(plan: RenderablePlan): string {
  const waves = groupByWave(plan.stacks);
  const lines = [`Cascade from ${plan.root}: ${count(plan.stacks.length, 'stack')} in ${count(waves.length, 'wave')}`];
  waves.forEach((stacks, i) => lines.push(`Wave ${i + 1}: ${stacks.map(describeStack).join(', ')}`));
  section(
    lines,
    'Cycles:',
    plan.cycles.map((cycle) => formatPath(cycle)),
  );
  section(
    lines,
    'Not run:',
    plan.excluded.map(({ id, reason }) => `${id}: ${reason}`),
  );
  section(
    lines,
    'Broken references:',
    plan.brokenReferences.map(({ stackId, missing }) => `${stackId} names missing stack ${missing}`),
  );
  section(
    lines,
    'Groups:',
    (plan.groups ?? []).map(({ name, members }) => `group:${name}: ${members.join(', ')}`),
  );
  section(lines, 'Label problems:', plan.problems ?? []);
  return lines.join('\n');
}

/** A plain object with keys in a fixed order, ready for JSON.stringify. */
export function planToJson(plan: RenderablePlan): PlanJson {
  const waves = groupByWave(plan.stacks);
  return {
    schemaVersion: 1,
    root: plan.root,
    summary: { stacks: plan.stacks.length, waves: waves.length },
    waves: waves.map((stacks, i) => ({ wave: i + 1, stacks: stacks.map(stackToJson) })),
    cycles: plan.cycles.map((cycle) => [...cycle]),
    excluded: plan.excluded.map(({ id, reason }) => ({ id, reason })),
    brokenReferences: plan.brokenReferences.map(({ stackId, missing }) => ({ stackId, missing })),
    groups: (plan.groups ?? []).map(({ name, members }) => ({ name, members: [...members] })),
    problems: [...(plan.problems ?? [])],
  };
}

function stackToJson(stack: PlannedStack): PlanJsonStack {
  return {
    id: stack.id,
    name: stack.name,
    requiresApproval: stack.settings.requiresApproval,
    maxAttempts: stack.settings.maxAttempts ?? null,
    runRetries: stack.settings.runRetries ?? 0,
    priority: stack.settings.priority,
    parents: stack.parents.map(({ parent, states, when, groups }) => ({
      id: parent,
      states: [...states],
      when,
      ...(groups ? { groups: [...groups] } : {}),
    })),
  };
}

/** Stacks of each wave, in plan order; waves are contiguous because the wave is a longest path. */
function groupByWave(stacks: readonly PlannedStack[]): PlannedStack[][] {
  const waves: PlannedStack[][] = [];
  for (const stack of stacks) (waves[stack.wave] ??= []).push(stack);
  return waves.filter((wave) => wave !== undefined);
}

/**
 * `eks (approval, on FAILED from vpc)`. An edge marker names its parents only when it does not apply to all
 * of them, so the common single-parent case stays short.
 */
function describeStack(stack: PlannedStack): string {
  const markers: string[] = [];
  if (stack.settings.requiresApproval) markers.push('approval');
  if (stack.settings.priority !== 0) markers.push(`priority ${stack.settings.priority}`);
  if (stack.settings.maxAttempts !== undefined) markers.push(`max ${count(stack.settings.maxAttempts, 'attempt')}`);
  if (stack.settings.runRetries !== undefined) markers.push(`a failed run retried ${count(stack.settings.runRetries, 'time')}`);
  const parentsByMarker = new Map<string, string[]>();
  for (const edge of stack.parents) {
    for (const marker of edgeMarkers(edge)) parentsByMarker.set(marker, [...(parentsByMarker.get(marker) ?? []), edge.parent]);
  }
  for (const [marker, parents] of parentsByMarker) {
    markers.push(parents.length === stack.parents.length ? marker : `${marker} from ${parents.join(', ')}`);
  }
  return markers.length === 0 ? stack.id : `${stack.id} (${markers.join(', ')})`;
}

function section(lines: string[], title: string, entries: readonly string[]): void {
  if (entries.length === 0) return;
  lines.push(title, ...entries.map((entry) => `  ${entry}`));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
