import type { Edge } from '../cascade/types';

/** What makes an edge conditional, as `plan` words it: `on FAILED`, `when changed`; none for the defaults. */
export function edgeMarkers(edge: Pick<Edge, 'states' | 'when'>): string[] {
  const markers: string[] = [];
  if (edge.states.length !== 1 || edge.states[0] !== 'FINISHED') markers.push(`on ${edge.states.join('+')}`);
  if (edge.when === 'changed') markers.push('when changed');
  return markers;
}
