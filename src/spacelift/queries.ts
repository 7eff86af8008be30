/**
 * Every GraphQL document we send, the variables it takes, the response shape it returns and the schema that
 * checks it. Selections follow spacectl and the Terraform provider (see shared/reference/spacelift-api.md).
 */
import type { AttachedContext, Run } from '../platform/types';
import type { SchemaName } from './validate';

/** Names used in logs, error contexts and the fake server's fault injection. */
export type SpaceliftOperation =
  'apiKeyUser' | 'searchStacks' | 'runTrigger' | 'getRun' | 'listRuns' | 'viewer' | 'runCancel' | 'runDiscard';

const STACK_FIELDS = 'id name labels state isDisabled lockedBy branch attachedContexts { contextId contextName priority }';
const RUN_FIELDS = 'id branch state type createdAt triggeredBy delta { addCount changeCount deleteCount resources }';

export interface OperationSpec {
  readonly operation: SpaceliftOperation;
  readonly query: string;
  readonly schema: SchemaName;
}

export const API_KEY_USER = {
  operation: 'apiKeyUser',
  query: 'mutation ApiKeyUser($id: ID!, $secret: String!) { apiKeyUser(id: $id, secret: $secret) { jwt validUntil } }',
  schema: 'api-key-user',
} as const satisfies OperationSpec;

export const SEARCH_STACKS = {
  operation: 'searchStacks',
  query: `query SearchStacks($input: SearchInput!) { searchStacks(input: $input) { edges { node { ${STACK_FIELDS} } } pageInfo { endCursor hasNextPage } } }`,
  schema: 'search-stacks',
} as const satisfies OperationSpec;

export const RUN_TRIGGER = {
  operation: 'runTrigger',
  query: `mutation RunTrigger($stack: ID!) { runTrigger(stack: $stack) { ${RUN_FIELDS} } }`,
  schema: 'run-trigger',
} as const satisfies OperationSpec;

export const GET_RUN = {
  operation: 'getRun',
  query: `query GetRun($stack: ID!, $run: ID!) { stack(id: $stack) { id run(id: $run) { ${RUN_FIELDS} } } }`,
  schema: 'stack-run',
} as const satisfies OperationSpec;

/**
 * One page of a stack's tracked runs. spacectl pages with `runs(before: $before)`, `$before` being the ID of the
 * last run of the previous page and typed `ID` (internal/cmd/stack/run_list.go; spacelift-io/graphql maps a Go
 * string to ID); a null `before` asks for the first page. Neither the order within a page nor its size is documented.
 */
export const LIST_RUNS = {
  operation: 'listRuns',
  query: `query ListRuns($stack: ID!, $before: ID) { stack(id: $stack) { id runs(before: $before) { ${RUN_FIELDS} } } }`,
  schema: 'stack-runs',
} as const satisfies OperationSpec;

/** "Cancel a Run that has not yet started" (QUEUED/READY → CANCELED). */
export const RUN_CANCEL = {
  operation: 'runCancel',
  query: `mutation RunCancel($stack: ID!, $run: ID!, $note: String) { runCancel(stack: $stack, run: $run, note: $note) { ${RUN_FIELDS} } }`,
  schema: 'run-cancel',
} as const satisfies OperationSpec;

/**
 * "Discard a Run that's waiting to be applied" (also QUEUED/READY) → DISCARDED. The API's `run` argument is
 * nullable and a missing one discards whatever run blocks the stack, so $run is declared ID! here: a bug that
 * loses the run ID must fail the request, not discard somebody else's run.
 */
export const RUN_DISCARD = {
  operation: 'runDiscard',
  query: `mutation RunDiscard($stack: ID!, $run: ID!, $note: String) { runDiscard(stack: $stack, run: $run, note: $note) { ${RUN_FIELDS} } }`,
  schema: 'run-discard',
} as const satisfies OperationSpec;

export const VIEWER = {
  operation: 'viewer',
  query: 'query Viewer { viewer { id name } }',
  schema: 'viewer',
} as const satisfies OperationSpec;

/** SearchInput as spacectl and the provider build it; we only ever filter on `label`. */
export interface SearchInput {
  first: number;
  after?: string;
  predicates?: { field: 'label'; constraint: { stringMatches: string[] } }[];
}

/** Label discovery asks the server for both spellings; anything fancier (comma lists, odd case) needs 'scan'. */
export function labelPredicates(stackId: string): NonNullable<SearchInput['predicates']> {
  return [{ field: 'label', constraint: { stringMatches: [`dependsOn:${stackId}`, `depends-on:${stackId}`] } }];
}

export interface ApiKeyUserResponse {
  data: { apiKeyUser: { jwt: string | null; validUntil: number | null } | null };
}

/** A Stack as the API answers it (schemas/spacelift-stack.json); SpaceliftClient turns it into a Stack. */
export interface StackNode {
  id: string;
  name: string | null;
  labels: string[] | null;
  attachedContexts?: AttachedContext[] | null;
  state?: string | null;
  isDisabled?: boolean | null;
  lockedBy?: string | null;
  branch?: string | null;
}

export interface SearchStacksResponse {
  data: {
    searchStacks: {
      edges: { node: StackNode }[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean; hasPreviousPage?: boolean | null };
    };
  };
}

/** `delta` as GraphQL names it. `resources` is selected (spacectl does) but not used. */
export interface RunDeltaNode {
  addCount: number | null;
  changeCount: number | null;
  deleteCount: number | null;
  resources?: number | null;
}

/** A Run as the API answers it (schemas/spacelift-run.json); SpaceliftClient turns it into a Run. */
export type RunNode = Omit<Run, 'delta'> & { delta?: RunDeltaNode | null };

export interface RunTriggerResponse {
  data: { runTrigger: RunNode | null };
}

export interface StackRunResponse {
  data: { stack: { id?: string | null; run: RunNode | null } | null };
}

export interface StackRunsResponse {
  data: { stack: { id?: string | null; runs: RunNode[] | null } | null };
}

/** runCancel and runDiscard both answer the Run they stopped, under their own root field. */
export type RunStopResponse<K extends 'runCancel' | 'runDiscard'> = { data: { [key in K]: RunNode | null } };

export interface ViewerResponse {
  data: { viewer: { id: string; name?: string | null } | null };
}

export interface GraphQLErrorItem {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

export interface GraphQLErrorsResponse {
  errors: GraphQLErrorItem[];
  data?: Record<string, unknown> | null;
}
