/**
 * The platform port: what a cascade needs from a CI/CD platform. Spacelift (SpaceliftClient) is the first adapter,
 * HCP Terraform / Terraform Enterprise (TerraformClient) the second. An adapter speaks in its own native IDs (stack
 * IDs, workspace names); src/platform/router.ts qualifies them (`tfc:<workspace>`) so one cascade can cross both.
 *
 * A unit (a stack or a workspace) is a `Stack`: its dependency declarations are its labels (Spacelift labels,
 * HCP Terraform tags). Run states are Spacelift's names; adapters map their own onto TERMINAL_STATES.
 */

export type PlatformName = 'spacelift' | 'tfc';

/** A Spacelift context attached to a stack (read for `plan`/`graph` output only). */
export interface AttachedContext {
  contextId: string;
  contextName?: string | null;
  priority?: number | null;
}

/**
 * A unit: a Spacelift stack or an HCP Terraform workspace. Its labels (Spacelift labels, HCP Terraform tags) carry
 * its dependency declarations. Every field no public source says is non-null may be null.
 */
export interface Stack {
  id: string;
  /** The unit's ID when the platform has no name for it. */
  name: string;
  labels: string[];
  attachedContexts: AttachedContext[];
  state?: string | null;
  isDisabled?: boolean | null;
  lockedBy?: string | null;
  branch?: string | null;
}

/**
 * Resources a run's plan adds, changes and deletes. Spacelift's GraphQL calls these addCount/changeCount/deleteCount
 * and its webhook added/changed/deleted; adapters map their names to these.
 */
export interface RunDelta {
  added: number;
  changed: number;
  deleted: number;
}

export interface Run {
  id: string;
  /** Spacelift's names; adapters map their own statuses onto them (TERMINAL_STATES in src/cascade/types.ts). */
  state: string;
  branch?: string | null;
  type?: string | null;
  /** Epoch seconds; without it the at-most-once guard cannot tell a run is recent, so it never adopts it. */
  createdAt?: number | null;
  triggeredBy?: string | null;
  /** null until the platform has a plan (and for runs that never planned, or whose counts are unknown); absent only if the response lacked it. */
  delta?: RunDelta | null;
}

export interface PlatformApi {
  /** Every unit that may depend on `unitId`; callers confirm matches by parsing the labels. */
  listCandidateDependents(unitId: string): Promise<Stack[]>;
  /** Every unit of the platform (the whole account / organization). */
  listAllStacks(): Promise<Stack[]>;
  triggerRun(unitId: string): Promise<Run>;
  getRun(unitId: string, runId: string): Promise<Run>;
  /**
   * Every run of a unit created at or after `sinceEpochSeconds`, in no particular order (the at-most-once guard
   * looks for its own among them with `ownsTrigger`). Adapters page through the unit's runs while a page still
   * holds such runs, up to a page cap, because no platform documents the order of its run list.
   */
  listRunsSince(unitId: string, sinceEpochSeconds: number): Promise<Run[]>;
  /** Stops a run that has not started applying; resolves with the stopped run, throws non-retryable if refused. */
  cancelRun(unitId: string, runId: string): Promise<Run>;
  /** A cheap read-only call proving the credentials work; returns the identity when known. */
  verifyCredentials(): Promise<{ viewer: string | null }>;
  /**
   * Whether a run's `triggeredBy` says this client triggered it, so a retry can recognise a run it already
   * started and a webhook for it never starts a cascade of its own.
   */
  ownsTrigger(triggeredBy: string | null | undefined): boolean;
}
