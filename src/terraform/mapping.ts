/** JSON:API resources → the port's Stack and Run. */
import type { Run, RunDelta, Stack } from '../platform/types';
import { mapRunStatus, triggeredByOf } from './states';
import type { IncludedResource, PlanResource, RunResource, WorkspaceResource } from './types';

/** A workspace as a unit: its name is its ID, its flat string tags are its labels. */
export function stackFromWorkspace(resource: WorkspaceResource): Stack {
  const { name } = resource.attributes;
  return { id: name, name, labels: [...resource.attributes['tag-names']], attachedContexts: [] };
}

/**
 * A run in the port's terms: state mapped (applied → FINISHED ...), createdAt in epoch seconds, triggeredBy
 * recognised from the message, and delta from the included plan once that plan has finished.
 */
export function runFromResource(resource: RunResource, included: readonly IncludedResource[] = []): Run {
  const { attributes } = resource;
  return {
    id: resource.id,
    branch: '',
    state: mapRunStatus(attributes.status),
    createdAt: Math.floor(Date.parse(attributes['created-at']) / 1000),
    triggeredBy: triggeredByOf(attributes.message),
    delta: deltaOf(planOf(resource, included)),
  };
}

function planOf(resource: RunResource, included: readonly IncludedResource[]): PlanResource | undefined {
  const planId = resource.relationships?.plan?.data?.id;
  if (planId === undefined) return undefined;
  return included.find((item): item is PlanResource => item.type === 'plans' && item.id === planId);
}

function deltaOf(plan: PlanResource | undefined): RunDelta | null {
  if (plan?.attributes.status !== 'finished') return null;
  const added = plan.attributes['resource-additions'];
  const changed = plan.attributes['resource-changes'];
  const deleted = plan.attributes['resource-destructions'];
  if (typeof added !== 'number' || typeof changed !== 'number' || typeof deleted !== 'number') return null;
  return { added, changed, deleted };
}
