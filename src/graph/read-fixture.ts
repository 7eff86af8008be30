import { readFileSync } from 'node:fs';
import type { Stack } from '../platform/types';

/** A fixture file that cannot be used; the CLI reports it as one line and exits 1. */
export class FixtureError extends Error {
  constructor(path: string, problem: string) {
    super(`fixture ${path}: ${problem}`);
    this.name = 'FixtureError';
  }
}

const SHAPE = 'expected a JSON array of stacks {id, name, labels} or a searchStacks response';

/**
 * Stacks from a file instead of Spacelift: a JSON array of `{ id, name?, labels? }`, or a searchStacks response as
 * the API answers it (`{ data: { searchStacks: { edges: [{ node }] } } }`, with or without `data`). Only id, name and
 * labels are read, so a fixture may be trimmed to those.
 */
export function readStackFixture(path: string): Stack[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FixtureError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(path, `is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return stackList(parsed, path).map((item, i) => toStack(item, i, path));
}

function stackList(parsed: unknown, path: string): unknown[] {
  if (Array.isArray(parsed)) return parsed;
  const response = isRecord(parsed) && isRecord(parsed.data) ? parsed.data : parsed;
  const search = isRecord(response) ? response.searchStacks : undefined;
  if (!isRecord(search) || !Array.isArray(search.edges)) throw new FixtureError(path, SHAPE);
  return search.edges.map((edge, i) => {
    if (!isRecord(edge) || !isRecord(edge.node)) throw new FixtureError(path, `searchStacks edge ${i} has no node`);
    return edge.node;
  });
}

function toStack(item: unknown, index: number, path: string): Stack {
  if (!isRecord(item) || typeof item.id !== 'string' || item.id === '') throw new FixtureError(path, `stack ${index} has no string id`);
  const { id, name, labels } = item;
  if (name !== undefined && typeof name !== 'string') throw new FixtureError(path, `stack ${id}: name must be a string`);
  if (labels !== undefined && !(Array.isArray(labels) && labels.every((label) => typeof label === 'string'))) {
    throw new FixtureError(path, `stack ${id}: labels must be an array of strings`);
  }
  return { id, name: name ?? id, labels: labels ?? [], attachedContexts: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
