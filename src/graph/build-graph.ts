/**
 * The dependency graph that `spacelift-cascade graph` draws: either the cascade below one stack (exactly what the
 * planner would run, in its waves) or the whole account, starting from every stack with no parents.
 *
 * Pure and deterministic: the same stacks in any order give the same graph, so the renderers can be tested
 * against exact expected output.
 */
import { compareIds } from '../cascade/compare-ids';
import { resolveEdges, type When } from '../cascade/edges';
import { buildPlan, stronglyConnected, type CascadePlanReport } from '../cascade/plan';
import { parseSettings } from '../cascade/settings';
import type { Edge } from '../cascade/types';
import type { Stack } from '../platform/types';

/** root: the --root stack; runs: planned in a wave; on-cycle / below-cycle: never run by a cascade. */
export type NodeStatus = 'root' | 'runs' | 'on-cycle' | 'below-cycle';

export interface GraphNode {
  id: string;
  name: string;
  status: NodeStatus;
  /** 1-based wave for `runs` nodes; null otherwise. */
  wave: number | null;
  /** Why an on-cycle or below-cycle node never runs, in the planner's words (`on cycle a → b → a`). */
  reason?: string;
  requiresApproval: boolean;
}

export interface GraphEdge extends Edge {
  /** Both ends lie on the same cycle. */
  onCycle: boolean;
}

export interface DependencyGraph {
  /** The --root stack, or null for the whole account. */
  root: string | null;
  /** Where drawing starts: the --root stack, or every stack without parents (sorted). */
  roots: string[];
  /** Sorted by id. */
  nodes: GraphNode[];
  /** Parent → child inside the graph, sorted by parent then child. */
  edges: GraphEdge[];
  /** Stack IDs per wave, in running order: waves[0] is wave 1. */
  waves: string[][];
  /** Each cycle once, as a closed path. */
  cycles: string[][];
  /** Labels naming stacks that do not exist (only those of stacks in the graph when --root is given). */
  brokenReferences: { stackId: string; missing: string }[];
  /** Groups with a member in the graph (`group:<name>` labels), and those members, sorted. */
  groups: { name: string; members: string[] }[];
  /** Unreadable dependency or settings labels; their defaults were used. */
  problems: string[];
}

export interface BuildGraphOptions {
  /** Only the downstream graph of this stack; the whole account when absent. */
  root?: string;
  /** The `when` of edges whose label does not say (CASCADE_EDGE_MODE). */
  globalWhen?: When;
}

/**
 * The whole account is planned as the cascade of a virtual stack on which every entry point depends, so both
 * views come from the same planner: entry points are the stacks without parents plus any stack no such stack
 * reaches (those sit on or below a cycle that nothing outside it feeds). The NUL byte keeps the virtual ID
 * apart from every real stack ID; the `spacelift:` prefix makes the label name it from units of any platform.
 */
const ACCOUNT_ROOT = '\u0000account';

export function buildGraph(stacks: readonly Stack[], options: BuildGraphOptions = {}): DependencyGraph {
  const globalWhen = options.globalWhen ?? 'always';
  const byId = new Map<string, Stack>();
  for (const stack of stacks) if (!byId.has(stack.id)) byId.set(stack.id, stack);
  const { edgesOf, groups } = resolveEdges(byId.values(), { defaultWhen: globalWhen });

  let plan: CascadePlanReport;
  let roots: string[];
  if (options.root !== undefined) {
    plan = buildPlan(options.root, [...byId.values()], { globalWhen });
    roots = [options.root];
  } else {
    roots = [...byId.keys()].filter((id) => !(edgesOf.get(id) ?? []).some((edge) => byId.has(edge.parent))).sort(compareIds);
    const entries = new Set([...roots, ...unreachedFrom(roots, byId, edgesOf)]);
    const anchored = [...byId.values()].map((stack) =>
      entries.has(stack.id) ? { ...stack, labels: [...stack.labels, `dependsOn:spacelift:${ACCOUNT_ROOT}`] } : stack,
    );
    plan = buildPlan(ACCOUNT_ROOT, anchored, { globalWhen });
  }

  const ids = [
    ...new Set([...(options.root !== undefined ? [options.root] : []), ...plan.stacks.map((s) => s.id), ...plan.excluded.map((s) => s.id)]),
  ];
  const inGraph = new Set(ids);
  const edges = ids
    .flatMap((id) => (edgesOf.get(id) ?? []).filter((edge) => inGraph.has(edge.parent)))
    .sort((a, b) => compareIds(a.parent, b.parent) || compareIds(a.child, b.child));
  const component = componentsOf(ids, edges);

  const planned = new Map(plan.stacks.map((s) => [s.id, s]));
  const excluded = new Map(plan.excluded.map((s) => [s.id, s.reason]));
  const nodes = ids.sort(compareIds).map((id): GraphNode => {
    const stack = byId.get(id);
    const requiresApproval = stack ? parseSettings(stack.labels).settings.requiresApproval : false;
    const base = { id, name: stack?.name ?? id, requiresApproval };
    const wave = planned.get(id)?.wave;
    if (id === options.root) return { ...base, status: 'root', wave: null };
    if (wave !== undefined) return { ...base, status: 'runs', wave: wave + 1 };
    const status = component.cyclic.has(id) ? 'on-cycle' : 'below-cycle';
    return { ...base, status, wave: null, reason: excluded.get(id) };
  });

  const waves: string[][] = [];
  for (const stack of plan.stacks) (waves[stack.wave] ??= []).push(stack.id);
  return {
    root: options.root ?? null,
    roots,
    nodes,
    edges: edges.map((edge) => ({
      ...edge,
      onCycle: component.of.get(edge.parent) === component.of.get(edge.child) && component.cyclic.has(edge.child),
    })),
    waves: waves.filter((wave) => wave !== undefined),
    cycles: plan.cycles,
    brokenReferences: plan.brokenReferences.filter((ref) => options.root === undefined || inGraph.has(ref.stackId)),
    groups: [...groups]
      .map(([name, members]) => ({ name, members: members.filter((id) => inGraph.has(id)) }))
      .filter((group) => group.members.length > 0)
      .sort((a, b) => compareIds(a.name, b.name)),
    problems: plan.problems,
  };
}

/** Counts for headers and JSON summaries. */
export function graphSummary(graph: DependencyGraph) {
  return {
    stacks: graph.nodes.filter((node) => node.status !== 'root').length,
    roots: graph.roots.length,
    waves: graph.waves.length,
    cycles: graph.cycles.length,
    brokenReferences: graph.brokenReferences.length,
  };
}

/** `1 cycle`, `2 waves`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Stacks that no stack in `roots` reaches through dependency edges. */
function unreachedFrom(roots: readonly string[], byId: Map<string, Stack>, edgesOf: Map<string, Edge[]>): string[] {
  const childrenOf = new Map<string, string[]>();
  for (const [id, edges] of edgesOf) for (const edge of edges) childrenOf.set(edge.parent, [...(childrenOf.get(edge.parent) ?? []), id]);
  const seen = new Set(roots);
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    for (const child of childrenOf.get(queue[i]) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return [...byId.keys()].filter((id) => !seen.has(id));
}

/** Strongly connected components of the drawn graph: which component each node is in, and which nodes are on a cycle. */
function componentsOf(ids: readonly string[], edges: readonly Edge[]) {
  const position = new Map(ids.map((id, i) => [id, i]));
  const adjacency: number[][] = ids.map(() => []);
  for (const edge of edges) adjacency[position.get(edge.parent) as number].push(position.get(edge.child) as number);
  const of = new Map<string, number>();
  const cyclic = new Set<string>();
  stronglyConnected(adjacency).forEach((members, index) => {
    const first = members[0];
    const isCycle = members.length > 1 || adjacency[first].includes(first);
    for (const member of members) {
      of.set(ids[member], index);
      if (isCycle) cyclic.add(ids[member]);
    }
  });
  return { of, cyclic };
}
