/** Fault injection for the fake Spacelift (tests only): which request a fault hits, and what it turns the answer into. */
import type { InterceptedRequest } from '../../src/fakes/spacelift/types';
import { assertWellFormed, errorPayload, type Answer, type Operation, type Payload } from '../../src/fakes/spacelift/wire';
import type { SpaceliftOperation } from '../../src/spacelift/queries';
import { FaultQueue as SharedFaultQueue, answerNetworkFault, corruptFirstField } from './fake-faults';

/**
 * 'anonymous' (beyond the brief) answers like spacectl#79 saw with an expired token: searchStacks returns no
 * edges and viewer returns null instead of an error; other operations answer "unauthorized".
 */
export type FaultKind =
  | 'http500'
  | 'http429'
  | 'graphqlError'
  | 'timeout'
  | 'reset'
  | 'malformedJson'
  | 'schemaViolation'
  | 'unauthorized'
  | 'notFound'
  | 'afterMutation500'
  | 'anonymous';

export interface Fault {
  operation: SpaceliftOperation | 'any';
  kind: FaultKind;
  /** Only matches operations that name a stack (runTrigger, getRun, listRuns, runCancel, runDiscard) for this stack. */
  stackId?: string;
  /** How many matching requests it affects (default 1). */
  times?: number;
  message?: string;
}

/** Injected faults, first match wins; each is used up after `times` requests. */
export class FaultQueue extends SharedFaultQueue<Fault> {
  take(operation: Operation, variables: Payload): Fault | undefined {
    return this.takeFirst((f) => (f.operation === 'any' || f.operation === operation) && (!f.stackId || f.stackId === variables.stack));
  }
}

/**
 * The answer to `request` when an injected fault hits it (undefined: none does). It is checked against the schemas
 * like a healthy answer, unless the fault breaks the schema on purpose.
 */
export function answerInjectedFault(faults: FaultQueue, { operation, variables, healthy }: InterceptedRequest): Answer | undefined {
  const fault = faults.take(operation, variables);
  if (!fault) return undefined;
  const answer = answerFault(fault, operation, variables, healthy);
  if (fault.kind !== 'schemaViolation' && typeof answer === 'object' && 'payload' in answer) assertWellFormed(operation, answer.payload);
  return answer;
}

/** What a fault turns a request into. `normal` builds (and performs) the healthy answer when a fault needs it. */
export function answerFault(fault: Fault, operation: Operation, variables: Payload, normal: () => Payload): Answer {
  const internal = { status: 500, raw: '{"message":"Internal Server Error"}' };
  switch (fault.kind) {
    case 'http500':
      return internal;
    case 'http429':
      return { status: 429, raw: '{"message":"Too Many Requests"}', headers: { 'retry-after': '1' } };
    case 'graphqlError':
      return { status: 200, payload: errorPayload(fault.message ?? 'internal error', operation) };
    case 'unauthorized':
      return { status: 200, payload: errorPayload(fault.message ?? 'unauthorized', operation) };
    case 'timeout':
    case 'reset':
    case 'malformedJson':
      return answerNetworkFault(fault.kind);
    case 'afterMutation500':
      normal(); // the mutation happens; only its answer is lost
      return internal;
    case 'schemaViolation':
      return { status: 200, payload: corrupt(operation, normal()) };
    case 'notFound':
      return { status: 200, payload: notFoundPayload(operation, fault.message, variables) };
    case 'anonymous':
      if (operation === 'searchStacks') return { status: 200, payload: EMPTY_SEARCH };
      if (operation === 'viewer') return { status: 200, payload: { data: { viewer: null } } };
      return { status: 200, payload: errorPayload('unauthorized', operation) };
  }
}

const EMPTY_SEARCH = { data: { searchStacks: { edges: [], pageInfo: { endCursor: null, hasNextPage: false, hasPreviousPage: false } } } };

/** Where each operation's answer is broken by 'schemaViolation': the first pointer whose parent exists. */
const CORRUPTIBLE: Record<Operation, string[]> = {
  searchStacks: ['/data/searchStacks/edges/0/node/labels', '/data/searchStacks/pageInfo/hasNextPage'],
  runTrigger: ['/data/runTrigger/state'],
  runCancel: ['/data/runCancel/state'],
  runDiscard: ['/data/runDiscard/state'],
  getRun: ['/data/stack/run/state', '/data/stack'],
  listRuns: ['/data/stack/runs', '/data/stack'],
  apiKeyUser: ['/data/apiKeyUser/validUntil', '/data/apiKeyUser'],
  viewer: ['/data/viewer/name', '/data/viewer'],
  unknown: [],
};

/** A wrong type in a required field: strings become 42, everything else "oops". Errors answers lose errors[]. */
function corrupt(operation: Operation, payload: Payload): Payload {
  if ('errors' in payload) return { ...structuredClone(payload), errors: 'oops' };
  return corruptFirstField(payload, CORRUPTIBLE[operation]);
}

/** Spacelift answers a missing stack with null under stack(id), and with a "not found" error elsewhere. */
function notFoundPayload(operation: Operation, message: string | undefined, variables: Payload): Payload {
  if (operation === 'getRun' || operation === 'listRuns') return { data: { stack: null } };
  if (operation === 'apiKeyUser') return { data: { apiKeyUser: null } };
  const what = typeof variables.stack === 'string' ? `: stack ${variables.stack}` : '';
  return errorPayload(message ?? `not found${what}`, operation);
}
