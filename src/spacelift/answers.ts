/**
 * What SpaceliftClient makes of a validated answer: the port's Run and Stack with the nulls the cascade cannot use
 * normalised, and the class of a GraphQL `errors[]` answer.
 */
import type { GraphQLErrorItem, RunNode, StackNode } from './queries';
import type { Run, Stack } from '../platform/types';

/**
 * GraphQL errors that say the server failed rather than refused, so asking again may work. Spacelift's messages
 * for these are not documented; these are the phrasings of its GraphQL server's upstream (graph-gophers/graphql-go:
 * errors/panic_handler.go "panic occurred: …", internal/exec/exec.go a resolver's context error "context deadline
 * exceeded", "graphql: got nil for non-null …") and the usual words for an outage.
 */
const SERVER_FAILED = [
  /\binternal (server )?error\b/i,
  /\bpanic occurred\b/i,
  /\bcontext deadline exceeded\b|\bcontext canceled\b/i,
  /\bgot nil for non-null\b/i,
  /\btimed? ?out\b|\btimeout\b/i,
  /\btry again\b/i,
  /\b(temporarily|service) unavailable\b/i,
  /\btoo many requests\b|\brate limit/i,
];

export type GraphQLFailure = 'unauthorized' | 'not-found' | 'server-failed' | 'refused';

/**
 * How the client treats an `errors[]` answer, and the error it reports. "unauthorized" anywhere means the token
 * (spacectl's client/client.go matches that substring); "not found" means the stack or run is gone (the provider's
 * internal/client.go does the same); a server failure is transient; anything else is Spacelift refusing, e.g.
 * "no runs found that can be discarded".
 */
export function classifyGraphQLErrors(errors: readonly GraphQLErrorItem[]): { kind: GraphQLFailure; error: GraphQLErrorItem } {
  const unauthorized = errors.find((e) => /unauthorized/i.test(e.message));
  if (unauthorized) return { kind: 'unauthorized', error: unauthorized };
  const notFound = errors.find((e) => /not found/i.test(e.message));
  if (notFound) return { kind: 'not-found', error: notFound };
  const failed = errors.find((e) => SERVER_FAILED.some((pattern) => pattern.test(e.message)));
  if (failed) return { kind: 'server-failed', error: failed };
  return { kind: 'refused', error: errors[0] };
}

/** The API's Run with delta renamed (addCount → added, ...); a delta with a null count is unknown (null). */
export function toRun(node: RunNode): Run {
  const { delta, ...rest } = node;
  if (delta === undefined) return rest;
  if (delta === null || delta.addCount === null || delta.changeCount === null || delta.deleteCount === null) {
    return { ...rest, delta: null };
  }
  return { ...rest, delta: { added: delta.addCount, changed: delta.changeCount, deleted: delta.deleteCount } };
}

/** The API's Stack: a null name reads as the ID, null labels and attachedContexts as none. */
export function toStack(node: StackNode): Stack {
  return { ...node, name: node.name ?? node.id, labels: node.labels ?? [], attachedContexts: node.attachedContexts ?? [] };
}
