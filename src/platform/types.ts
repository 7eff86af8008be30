/**
 * The platform port: what a cascade needs from a CI/CD platform. Spacelift (SpaceliftClient) is the first adapter,
 * HCP Terraform / Terraform Enterprise (TerraformClient) the second. An adapter speaks in its own native IDs (stack
 * IDs, workspace names); src/platform/router.ts qualifies them (`tfc:<workspace>`) so one cascade can cross both.
 *
 * A unit (a stack or a workspace) is a `Stack`: its dependency declarations are its labels (Spacelift labels,
 * HCP Terraform tags). Run states are Spacelift's names; adapters map their own onto TERMINAL_STATES.
 */
import type { Run, Stack } from '../spacelift/types';

export type PlatformName = 'spacelift' | 'tfc';

export interface PlatformApi {
  /** Every unit that may depend on `unitId`; callers confirm matches by parsing the labels. */
  listCandidateDependents(unitId: string): Promise<Stack[]>;
  /** Every unit of the platform (the whole account / organization). */
  listAllStacks(): Promise<Stack[]>;
  triggerRun(unitId: string): Promise<Run>;
  getRun(unitId: string, runId: string): Promise<Run>;
  /** Most recent runs of a unit, newest first (used by the at-most-once guard with `triggeredBy`). */
  listRecentRuns(unitId: string): Promise<Run[]>;
  /** Stops a run that has not started applying; resolves with the stopped run, throws non-retryable if refused. */
  cancelRun(unitId: string, runId: string): Promise<Run>;
  /** A cheap read-only call proving the credentials work; returns the identity when known. */
  verifyCredentials(): Promise<{ viewer: string | null }>;
  /** The `Run.triggeredBy` of runs this client triggers, so a retry can recognise a run it already started. */
  readonly triggeredBy: string;
}
