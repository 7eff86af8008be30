/**
 * The fake's side of the wire: recognising operations without a GraphQL parser, GraphQL error payloads, opaque
 * cursors, label predicates and the HTTP plumbing.
 */
import type http from 'node:http';
import type { SpaceliftOperation } from '../spacelift/queries';
import type { SchemaName } from '../spacelift/validate';
import type { FakeStackSpec } from './types';

export type Operation = SpaceliftOperation | 'unknown';
export type Payload = Record<string, unknown>;
export type Reply = { status: number; headers?: Record<string, string> } & ({ payload: Payload } | { raw: string });
/** What the server does with a request: answer it, leave it hanging ('timeout'), or destroy the socket. */
export type Answer = Reply | 'hang' | 'reset';

export const SCHEMA_OF: Record<SpaceliftOperation, SchemaName> = {
  apiKeyUser: 'api-key-user', searchStacks: 'search-stacks', runTrigger: 'run-trigger', getRun: 'stack-run',
  listRuns: 'stack-runs', viewer: 'viewer', runCancel: 'run-cancel', runDiscard: 'run-discard',
};

const ROOT_FIELD: Record<Operation, string> = {
  apiKeyUser: 'apiKeyUser', searchStacks: 'searchStacks', runTrigger: 'runTrigger', getRun: 'stack', listRuns: 'stack',
  viewer: 'viewer', runCancel: 'runCancel', runDiscard: 'runDiscard', unknown: 'unknown',
};

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
  if (res.destroyed) return;
  const body = 'payload' in answer ? JSON.stringify(answer.payload) : answer.raw;
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(body);
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
