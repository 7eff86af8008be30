import { formatPath } from '../cascade/plan';
import type { Edge } from '../cascade/types';
import type { DependencyGraph } from './build-graph';

/**
 * What makes an edge conditional, as `plan` words it: `on FAILED`, `when changed`, and `via group:<name>` for an
 * edge that comes from `dependsOn:group:<name>`; none for a plain `dependsOn:<id>`.
 */
export function edgeMarkers(edge: Pick<Edge, 'states' | 'when' | 'groups'>): string[] {
  const markers: string[] = [];
  if (edge.states.length !== 1 || edge.states[0] !== 'FINISHED') markers.push(`on ${edge.states.join('+')}`);
  if (edge.when === 'changed') markers.push('when changed');
  for (const group of edge.groups ?? []) markers.push(`via group:${group}`);
  return markers;
}

/**
 * The notes under a rendered graph, as comment lines in the renderer's syntax (`//` for DOT, `%%` for Mermaid):
 * cycles, broken references, groups and label problems; a section without entries is left out.
 */
export function graphNotes(graph: DependencyGraph, comment: string): string[] {
  const sections: Array<[string, readonly string[]]> = [
    ['Cycles:', graph.cycles.map((cycle) => formatPath(cycle))],
    ['Broken references:', graph.brokenReferences.map(({ stackId, missing }) => `${stackId} names missing stack ${missing}`)],
    ['Groups:', graph.groups.map(({ name, members }) => `group:${name}: ${members.join(', ')}`)],
    ['Label problems:', graph.problems],
  ];
  return sections
    .filter(([, entries]) => entries.length > 0)
    .flatMap(([title, entries]) => [`  ${comment} ${title}`, ...entries.map((entry) => `  ${comment}   ${entry}`)]);
}
