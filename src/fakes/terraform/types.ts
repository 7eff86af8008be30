/** The fake HCP Terraform's public contract: what tests and demos configure and observe. */
import type { Answer, Payload } from '../http/wire';
import type { TerraformSchemaName } from '../../terraform/validate';

export type TerraformRoute =
  'accountDetails' | 'listWorkspaces' | 'showWorkspace' | 'createRun' | 'getRun' | 'listRuns' | 'cancelRun' | 'discardRun' | 'unknown';

export interface FakeWorkspaceSpec {
  name: string;
  /** Flat string tags (tag-names). Stored as given: the real service lower-cases them. */
  tags?: string[];
  /** Default: a stable fake ID (ws-FAKE000000000001 ...). */
  id?: string;
}

/** Resource counts of a finished plan; they become Run.delta. */
export interface FakePlanCounts {
  additions: number;
  changes: number;
  destructions: number;
}

/**
 * How the runs of a workspace end. A run starts `pending`; the show-run (getRun) call that finds it non-final after
 * `afterPolls` earlier show-run calls already did (default 0: the first) moves it to `status`. With `plan` its plan
 * is `finished` with those counts; without, the plan never finished (its counts are null, so Run.delta is null).
 */
export interface TerraformRunOutcome {
  status: string;
  afterPolls?: number;
  plan?: FakePlanCounts | null;
}

export interface RecordedTerraformRequest {
  route: TerraformRoute;
  method: string;
  /** Path without the query string, e.g. /api/v2/runs/run-FAKE000000000001. */
  path: string;
  /** Decoded query parameters, e.g. { 'page[number]': '2', include: 'plan' }. */
  query: Record<string, string>;
  authorization: string | undefined;
  at: number;
}

export interface RecordedTerraformTrigger {
  workspace: string;
  runId: string;
  at: number;
}

export interface FakeTerraformRunInfo {
  workspace: string;
  id: string;
  status: string;
  message: string;
  plan: FakePlanCounts | null;
}

/** An answer of the fake: a JSON:API body with the schema it must match, or a raw body. */
export type TerraformReply = { status: number; headers?: Record<string, string> } & (
  { payload: Payload; schema: TerraformSchemaName } | { raw: string }
);
/** A reply, or a request left hanging ('hang') or its connection reset ('reset'). */
export type TerraformAnswer = Answer<TerraformReply>;

/** A request as `intercept` sees it. */
export interface InterceptedTerraformRequest {
  route: TerraformRoute;
  /** The workspace it is about (by name; runs count as their workspace's), when there is one. */
  readonly workspace: string | undefined;
  /** Builds the answer a healthy HCP Terraform sends, with its side effects (createRun creates a run); checked. */
  healthy: () => TerraformReply;
}

export interface FakeTerraform {
  readonly url: string;
  readonly organization: string;
  readonly token: string;
  readonly requests: RecordedTerraformRequest[];
  /** Every run the fake created, including one answered with afterCreate500. */
  readonly triggers: RecordedTerraformTrigger[];
  triggerCount(workspace: string): number;
  addWorkspaces(specs: FakeWorkspaceSpec[]): void;
  /** How this workspace's runs end (overrides runOutcomes / defaultRunOutcome), including runs in flight. */
  setRunOutcome(workspace: string, outcome: TerraformRunOutcome): void;
  /** Moves a run to `status` at once; `plan` (when given) replaces its plan counts (null: no finished plan). */
  setRunStatus(runId: string, status: string, plan?: FakePlanCounts | null): void;
  /** Every run, or one workspace's, in the order they were created. */
  runs(workspace?: string): FakeTerraformRunInfo[];
  /** Called synchronously whenever a run is created, before the client has its answer; a throwing listener is logged. */
  onTrigger(fn: (trigger: RecordedTerraformTrigger) => void): void;
  close(): Promise<void>;
}

export interface FakeTerraformOptions {
  organization?: string;
  token?: string;
  workspaces?: FakeWorkspaceSpec[];
  /** Per-workspace outcomes, by workspace name. */
  runOutcomes?: Record<string, TerraformRunOutcome>;
  /** How runs of workspaces without an outcome end. Without either, runs stay pending until setRunStatus. */
  defaultRunOutcome?: TerraformRunOutcome;
  /** Largest page[size] honoured (default 100, the real maximum). */
  pageSizeCap?: number;
  /**
   * The order of the runs within a page of GET /workspaces/:id/runs (undocumented); pages always walk back in time
   * (page 1 holds the newest). Default newest-first.
   */
  runsOrder?: 'newest-first' | 'oldest-first';
  /** The username of the token's account (default "api-team_fake"). */
  username?: string;
  now?: () => number;
  /**
   * Sees every request once it is recorded and may answer it instead of the fake: tests inject faults and latency
   * with it (test/support/fake-terraform.ts). Its answer is sent as is, without the schema check healthy answers
   * get; undefined lets the fake answer.
   */
  intercept?: (request: InterceptedTerraformRequest) => TerraformAnswer | undefined | Promise<TerraformAnswer | undefined>;
}
