/** Fault injection for the fake HCP Terraform (tests only): which request a fault hits, and what it turns the answer into. */
import type { InterceptedTerraformRequest, TerraformAnswer, TerraformReply, TerraformRoute } from '../../src/fakes/terraform/types';
import { assertWellFormed, errorReply } from '../../src/fakes/terraform/wire';
import { FaultQueue as SharedFaultQueue, answerNetworkFault, corruptFirstField } from './fake-faults';

export type TerraformFaultKind =
  | 'http500'
  | 'http503'
  | 'http429'
  | 'http401'
  | 'http403'
  | 'http404'
  | 'timeout'
  | 'reset'
  | 'malformedJson'
  | 'schemaViolation'
  | 'echoToken'
  | 'afterCreate500'
  | 'http409'
  | 'performedThen409';

export interface TerraformFault {
  route: TerraformRoute | 'any';
  kind: TerraformFaultKind;
  /** Only requests about this workspace (by name; runs count as their workspace's). */
  workspace?: string;
  /** How many matching requests it affects (default 1). */
  times?: number;
}

/** Injected faults, first match wins; each is used up after `times` requests. */
export class FaultQueue extends SharedFaultQueue<TerraformFault> {
  take(routeName: TerraformRoute, workspace: string | undefined): TerraformFault | undefined {
    return this.takeFirst((f) => (f.route === 'any' || f.route === routeName) && (f.workspace === undefined || f.workspace === workspace));
  }
}

/**
 * The answer to `request` when an injected fault hits it (undefined: none does). It is checked against the schemas
 * like a healthy answer, unless the fault breaks the schema on purpose. `token` is the fake's, for 'echoToken'.
 */
export function answerInjectedFault(faults: FaultQueue, request: InterceptedTerraformRequest, token: string): TerraformAnswer | undefined {
  const fault = faults.take(request.route, request.workspace);
  if (!fault) return undefined;
  const answer = answerFault(fault.kind, request.healthy, token);
  if (fault.kind !== 'schemaViolation' && typeof answer === 'object') assertWellFormed(request.route, answer);
  return answer;
}

/** What a fault turns a request into. `normal` builds (and performs) the healthy answer when the fault needs it. */
export function answerFault(kind: TerraformFaultKind, normal: () => TerraformReply, token: string): TerraformAnswer {
  switch (kind) {
    case 'http500':
      return errorReply(500);
    case 'http503':
      return { status: 503, raw: '<html><body>503 Service Unavailable</body></html>', headers: { 'content-type': 'text/html' } };
    case 'http429':
      return {
        status: 429,
        raw: JSON.stringify({ errors: [{ detail: "You have exceeded the API's rate limit.", status: 429, title: 'Too many requests' }] }),
        headers: { 'retry-after': '1', 'x-ratelimit-limit': '30' },
      };
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
  '/data/0/attributes/tag-names',
  '/meta/pagination/next-page',
  '/data/attributes/status',
  '/data/0/attributes/status',
  '/data/attributes/username',
  '/data/attributes/tag-names',
];
