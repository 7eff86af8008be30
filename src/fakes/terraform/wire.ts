/**
 * The fake's side of the wire: routing, JSON:API error documents and the schema check of its answers. The HTTP
 * plumbing itself is shared with fake-spacelift (src/fakes/http/wire.ts).
 */
import { matchesTerraformSchema, type TerraformSchemaName } from '../../terraform/validate';
import type { TerraformReply, TerraformRoute } from './types';

export { parseJson, readBody } from '../http/wire';
export type { Payload } from '../http/wire';
export type { TerraformAnswer as Answer, TerraformReply as Reply } from './types';

export const CONTENT_TYPE = 'application/vnd.api+json';

export interface Routed {
  route: TerraformRoute;
  params: Record<string, string>;
}

const ROUTES: [TerraformRoute, string, RegExp][] = [
  ['accountDetails', 'GET', /^\/api\/v2\/account\/details$/],
  ['listWorkspaces', 'GET', /^\/api\/v2\/organizations\/(?<org>[^/]+)\/workspaces$/],
  ['showWorkspace', 'GET', /^\/api\/v2\/organizations\/(?<org>[^/]+)\/workspaces\/(?<name>[^/]+)$/],
  ['createRun', 'POST', /^\/api\/v2\/runs$/],
  ['getRun', 'GET', /^\/api\/v2\/runs\/(?<run>[^/]+)$/],
  ['listRuns', 'GET', /^\/api\/v2\/workspaces\/(?<ws>[^/]+)\/runs$/],
  ['cancelRun', 'POST', /^\/api\/v2\/runs\/(?<run>[^/]+)\/actions\/cancel$/],
  ['discardRun', 'POST', /^\/api\/v2\/runs\/(?<run>[^/]+)\/actions\/discard$/],
];

export function route(method: string, path: string): Routed {
  for (const [name, verb, pattern] of ROUTES) {
    const match = pattern.exec(path);
    if (match && verb === method) {
      const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      return { route: name, params };
    }
  }
  return { route: 'unknown', params: {} };
}

/** The schema each successful answer must match before it is sent; actions answer 202 with no body. */
export const SCHEMA_OF: Record<Exclude<TerraformRoute, 'cancelRun' | 'discardRun' | 'unknown'>, TerraformSchemaName> = {
  accountDetails: 'account-details',
  listWorkspaces: 'workspace-list',
  showWorkspace: 'workspace-show',
  createRun: 'run-show',
  getRun: 'run-show',
  listRuns: 'run-list',
};

const TITLES: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  422: 'invalid attribute',
  429: 'Too many requests',
  500: 'internal server error',
  503: 'service unavailable',
};

/** A body the schemas reject would make every test meaningless: fail loudly (a 500 naming the fake) instead. */
export function assertWellFormed(route: TerraformRoute, reply: TerraformReply): void {
  if ('payload' in reply && !matchesTerraformSchema(reply.schema, reply.payload)) {
    throw new Error(`fake-terraform built a ${route} answer that violates ${reply.schema}`);
  }
}

export function errorReply(status: number, detail?: string): TerraformReply {
  const error = { status: String(status), title: TITLES[status] ?? 'error', ...(detail ? { detail } : {}) };
  return { status, payload: { errors: [error] }, schema: 'errors' };
}
