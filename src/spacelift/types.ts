/** Shapes we read from Spacelift. Each mirrors a JSON Schema in schemas/; validators live in validate.ts. */

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

/** What the cascade needs from Spacelift; SpaceliftClient implements it, tests may pass fakes. */
export interface SpaceliftApi {
  /** Every stack that may depend on `stackId`; callers confirm matches with parseDependsOn. */
  listCandidateDependents(stackId: string): Promise<Stack[]>;
  /** Every stack in the account, whatever the discovery mode (for graph features). */
  listAllStacks(): Promise<Stack[]>;
  triggerRun(stackId: string): Promise<Run>;
  getRun(stackId: string, runId: string): Promise<Run>;
  /** Most recent tracked runs of a stack, newest first (used by the at-most-once guard). */
  listRecentRuns(stackId: string): Promise<Run[]>;
  /**
   * Stops a run that has not started applying: runCancel (QUEUED/READY → CANCELED), else runDiscard (e.g.
   * UNCONFIRMED → DISCARDED). Resolves with the stopped run (also when it was already CANCELED/DISCARDED, e.g. by
   * an earlier attempt whose answer was lost); throws a non-retryable SpaceliftError naming the run's state when
   * Spacelift refuses both.
   */
  cancelRun(stackId: string, runId: string): Promise<Run>;
  /** A cheap read-only call proving the credentials work; returns the key's user identity when known. */
  verifyCredentials(): Promise<{ viewer: string | null }>;
  /** The `triggeredBy` value Spacelift records for runs this client triggers (`api::<keyId>`). */
  readonly triggeredBy: string;
}
