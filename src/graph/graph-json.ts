import { graphSummary, type DependencyGraph, type NodeStatus } from './build-graph';

/** Version 1 of `graph --format json`; fields are only ever added, and a breaking change bumps schemaVersion. */
export interface GraphJson {
  schemaVersion: 1;
  /** The --root stack, or null for the whole account. */
  root: string | null;
  summary: { stacks: number; roots: number; waves: number; cycles: number; brokenReferences: number };
  roots: string[];
  nodes: { id: string; name: string; status: NodeStatus; wave: number | null; requiresApproval: boolean; reason: string | null }[];
  edges: { parent: string; child: string; states: string[]; when: 'always' | 'changed'; onCycle: boolean; groups?: string[] }[];
  waves: { wave: number; stacks: string[] }[];
  cycles: string[][];
  brokenReferences: { stackId: string; missing: string }[];
  groups: { name: string; members: string[] }[];
  problems: string[];
}

/** A plain object with keys in a fixed order, ready for JSON.stringify. */
export function graphToJson(graph: DependencyGraph): GraphJson {
  return {
    schemaVersion: 1,
    root: graph.root,
    summary: graphSummary(graph),
    roots: [...graph.roots],
    nodes: graph.nodes.map(({ id, name, status, wave, requiresApproval, reason }) => ({
      id,
      name,
      status,
      wave,
      requiresApproval,
      reason: reason ?? null,
    })),
    edges: graph.edges.map(({ parent, child, states, when, onCycle, groups }) => ({
      parent,
      child,
      states: [...states],
      when,
      onCycle,
      ...(groups ? { groups: [...groups] } : {}),
    })),
    waves: graph.waves.map((stacks, i) => ({ wave: i + 1, stacks: [...stacks] })),
    cycles: graph.cycles.map((cycle) => [...cycle]),
    brokenReferences: graph.brokenReferences.map(({ stackId, missing }) => ({ stackId, missing })),
    groups: graph.groups.map(({ name, members }) => ({ name, members: [...members] })),
    problems: [...graph.problems],
  };
}
