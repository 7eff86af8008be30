/**
 * The port's shapes, as the cascade reads them. SpaceliftClient builds them from the API's answers (RunNode and
 * StackNode in queries.ts, which mirror the JSON Schemas in schemas/): nulls the cascade cannot use are normalised
 * there, and every field no public source says is non-null may be null here.
 */
import type { PlatformApi } from '../platform/types';

export interface AttachedContext {
  contextId: string;
  contextName?: string | null;
  priority?: number | null;
}

export interface Stack {
  id: string;
  /** The stack's ID when Spacelift has no name for it. */
  name: string;
  labels: string[];
  attachedContexts: AttachedContext[];
  state?: string | null;
  isDisabled?: boolean | null;
  lockedBy?: string | null;
  branch?: string | null;
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
  state: string;
  branch?: string | null;
  type?: string | null;
  /** Epoch seconds; without it the at-most-once guard cannot tell a run is recent, so it never adopts it. */
  createdAt?: number | null;
  triggeredBy?: string | null;
  /** null until Spacelift has a plan (and for runs that never planned, or whose counts are unknown); absent only if the response lacked it. */
  delta?: RunDelta | null;
}

/**
 * What the cascade needs from Spacelift: the platform port (src/platform/types.ts), which SpaceliftClient implements
 * and tests may fake. Spacelift specifics: `listCandidateDependents` searches labels server-side; `cancelRun` tries
 * runCancel (QUEUED/READY → CANCELED), then runDiscard (e.g. UNCONFIRMED → DISCARDED); `ownsTrigger` recognises
 * `api::<keyId>` and the shortened `api::<prefix>::<key name>` (triggered-by.ts).
 */
export type SpaceliftApi = PlatformApi;
