/**
 * The fake's side of the wire: recognising operations without a GraphQL parser, GraphQL error payloads, opaque
 * cursors and label predicates. The HTTP plumbing itself is shared with fake-terraform (src/fakes/http/wire.ts).
 */
import type http from 'node:http';
import { isRecord, parseJson, sendReply, type Payload, type Reply } from '../http/wire';
import type { SpaceliftOperation } from '../../spacelift/queries';
import { matchesSchema, type SchemaName } from '../../spacelift/validate';
import type { FakeStackSpec } from './types';

export { isRecord, parseJson, readBody } from '../http/wire';
export type { Answer, Payload, Reply } from '../http/wire';

export type Operation = SpaceliftOperation | 'unknown';
export const CONTENT_TYPE = 'application/json';

export const SCHEMA_OF: Record<SpaceliftOperation, SchemaName> = {
  apiKeyUser: 'api-key-user',
  searchStacks: 'search-stacks',
  runTrigger: 'run-trigger',
  getRun: 'stack-run',
  listRuns: 'stack-runs',
  viewer: 'viewer',
  runCancel: 'run-cancel',
  runDiscard: 'run-discard',
};

const ROOT_FIELD: Record<Operation, string> = {
  apiKeyUser: 'apiKeyUser',
  searchStacks: 'searchStacks',
  runTrigger: 'runTrigger',
  getRun: 'stack',
  listRuns: 'stack',
  viewer: 'viewer',
  runCancel: 'runCancel',
  runDiscard: 'runDiscard',
  unknown: 'unknown',
};

/** A fake that drifts from the schemas would make every test meaningless: fail loudly instead. */
export function assertWellFormed(operation: Operation, payload: Payload): void {
  if (operation === 'unknown') return;
  const schema = 'errors' in payload ? 'graphql-errors' : SCHEMA_OF[operation];
  if (!matchesSchema(schema, payload)) throw new Error(`fake-spacelift built a ${operation} answer that violates ${schema}`);
}

export function errorPayload(message: string, operation: Operation): Payload {
  return { errors: [{ message, path: [ROOT_FIELD[operation]] }], data: null };
}

/**
 * Root field in the query text → operation. Mutations first: their text also names `$stack` and `run:`.
 * `runs` is tested before `run(`; both live under stack(id).
 */
export function recognise(query: string): Operation {
  if (/\bapiKeyUser\b/.test(query)) return 'apiKeyUser';
  if (/\bsearchStacks\b/.test(query)) return 'searchStacks';
  if (/\brunTrigger\b/.test(query)) return 'runTrigger';
  if (/\brunCancel\b/.test(query)) return 'runCancel';
  if (/\brunDiscard\b/.test(query)) return 'runDiscard';
  if (/\bstack\s*\(/.test(query) && /\bruns\b/.test(query)) return 'listRuns';
  if (/\bstack\s*\(/.test(query) && /\brun\s*\(/.test(query)) return 'getRun';
  if (/\bviewer\b/.test(query)) return 'viewer';
  return 'unknown';
}

export function matchesPredicates(stack: FakeStackSpec, predicates: unknown): boolean {
  if (!Array.isArray(predicates)) return true;
  return predicates.every((predicate: unknown) => {
    if (!isRecord(predicate) || predicate.field !== 'label' || !isRecord(predicate.constraint)) {
      throw new Error(`fake-spacelift supports only the label predicate, got ${JSON.stringify(predicate)}`);
    }
    const wanted = Array.isArray(predicate.constraint.stringMatches) ? predicate.constraint.stringMatches : [];
    const hit = (stack.labels ?? []).some((label) => wanted.includes(label));
    return predicate.exclude === true ? !hit : hit;
  });
}

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

export function decodeCursor(cursor: unknown): number | undefined {
  if (typeof cursor !== 'string') return undefined;
  const decoded = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  return typeof decoded?.offset === 'number' ? decoded.offset : undefined;
}

export function send(res: http.ServerResponse, answer: Reply): void {
  sendReply(res, answer, CONTENT_TYPE);
}
