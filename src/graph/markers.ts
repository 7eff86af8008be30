import type { Edge } from '../cascade/types';

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
