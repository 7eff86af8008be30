/**
 * The fake's side of the wire: routing, JSON:API error documents and fault injection. The HTTP plumbing itself is
 * shared with fake-spacelift (src/fakes/http/wire.ts).
 */
import { FaultQueue as SharedFaultQueue, answerNetworkFault, corruptFirstField } from '../http/faults';
import type { Answer as SharedAnswer, Payload } from '../http/wire';
import type { TerraformSchemaName } from '../../terraform/validate';
import type { TerraformFault, TerraformFaultKind, TerraformRoute } from './types';

export { parseJson, readBody } from '../http/wire';
export type { Payload } from '../http/wire';
export type Reply = { status: number; headers?: Record<string, string> } & ({ payload: Payload; schema: TerraformSchemaName } | { raw: string });
export type Answer = SharedAnswer<Reply>;

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
  accountDetails: 'account-details', listWorkspaces: 'workspace-list', showWorkspace: 'workspace-show', createRun: 'run-show',
  getRun: 'run-show', listRuns: 'run-list',
};

const TITLES: Record<number, string> = {
  401: 'unauthorized', 403: 'forbidden', 404: 'not found', 409: 'conflict', 422: 'invalid attribute', 429: 'Too many requests',
  500: 'internal server error', 503: 'service unavailable',
};

export function errorReply(status: number, detail?: string): Reply {
  const error = { status: String(status), title: TITLES[status] ?? 'error', ...(detail ? { detail } : {}) };
  return { status, payload: { errors: [error] }, schema: 'errors' };
}

/** Injected faults, first match wins; each is used up after `times` requests. */
export class FaultQueue extends SharedFaultQueue<TerraformFault> {
  take(routeName: TerraformRoute, workspace: string | undefined): TerraformFault | undefined {
    return this.takeFirst(
      (f) => (f.route === 'any' || f.route === routeName) && (f.workspace === undefined || f.workspace === workspace),
    );
  }
}

/** What a fault turns a request into. `normal` builds (and performs) the healthy answer when the fault needs it. */
export function answerFault(kind: TerraformFaultKind, normal: () => Reply, token: string): Answer {
  switch (kind) {
    case 'http500':
      return errorReply(500);
    case 'http503':
      return { status: 503, raw: '<html><body>503 Service Unavailable</body></html>', headers: { 'content-type': 'text/html' } };
    case 'http429':
      return { status: 429, raw: JSON.stringify({ errors: [{ detail: "You have exceeded the API's rate limit.", status: 429, title: 'Too many requests' }] }), headers: { 'retry-after': '1', 'x-ratelimit-limit': '30' } };
    case 'http401':
      return errorReply(401);
    case 'http403':
      return errorReply(403);
    case 'http404':
      return errorReply(404);
    case 'http409':
      return errorReply(409, 'injected conflict');
    case 'performedThen409':
      normal(); // e.g. the run is stopped by a concurrent request, and this one is refused
      return errorReply(409, 'injected conflict after the action took effect');
    case 'timeout':
    case 'reset':
    case 'malformedJson':
      return answerNetworkFault(kind);
    case 'echoToken':
      // A misbehaving proxy reflecting the request: the client must not repeat the token in its error.
      return { status: 502, raw: `bad gateway; request had Authorization: Bearer ${token}` };
    case 'afterCreate500':
      normal(); // the run is created; only the answer is lost
      return errorReply(500);
    case 'schemaViolation': {
      const reply = normal();
      return 'payload' in reply ? { ...reply, payload: corruptFirstField(reply.payload, CORRUPTIBLE), schema: reply.schema } : reply;
    }
  }
}

/** Where 'schemaViolation' breaks an answer: the first pointer whose parent exists gets a wrong type. */
const CORRUPTIBLE = [
  '/data/0/attributes/tag-names', '/meta/pagination/next-page', '/data/attributes/status', '/data/0/attributes/status',
  '/data/attributes/username', '/data/attributes/tag-names',
];
