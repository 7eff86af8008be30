/** Shapes we read from Spacelift. Each mirrors a JSON Schema in schemas/; validators live in validate.ts. */
import type { PlatformApi } from '../platform/types';

export interface AttachedContext {
  contextId: string;
  contextName: string;
  priority: number;
}

export interface Stack {
  id: string;
  name: string;
  labels: string[];
  attachedContexts: AttachedContext[];
  state?: string;
  isDisabled?: boolean;
  lockedBy?: string | null;
  branch?: string;
}

/**
 * Resources a run's plan adds, changes and deletes. GraphQL calls these addCount/changeCount/deleteCount and the
 * webhook added/changed/deleted; SpaceliftClient maps the GraphQL names to these.
 */
export interface RunDelta {
  added: number;
  changed: number;
  deleted: number;
}

export interface Run {
  id: string;
  branch: string;
  state: string;
  type?: string;
  createdAt?: number;
  triggeredBy?: string | null;
  /** null until Spacelift has a plan (and for runs that never planned); absent only if the response lacked it. */
  delta?: RunDelta | null;
}

/**
 * What the cascade needs from Spacelift: the platform port (src/platform/types.ts), which SpaceliftClient implements
 * and tests may fake. Spacelift specifics: `listCandidateDependents` searches labels server-side; `cancelRun` tries
 * runCancel (QUEUED/READY → CANCELED), then runDiscard (e.g. UNCONFIRMED → DISCARDED); `triggeredBy` is `api::<keyId>`.
 */
export type SpaceliftApi = PlatformApi;
