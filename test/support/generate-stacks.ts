/**
 * Big, deterministic fake accounts for pagination and scale tests. Dependents carry exactly the label
 * `dependsOn:<stackId>`, so a test can find them with `labels.includes(...)`; every other stack carries noise,
 * including near-miss labels (`dependsOn:<stackId>-legacy`, `dependsOn:<stackId>x`) that a substring match
 * would wrongly accept.
 */
import type { FakeStackSpec } from './fake-spacelift';
import { prng } from './prng';

export interface GenerateStacksOptions {
  /** Number of stacks in the account, including `dependentsOf.stackId`. */
  total: number;
  /** The upstream stack (first in the list) and how many stacks depend on it, spread evenly over the pages. */
  dependentsOf?: { stackId: string; count: number };
  /** ID prefix of generated stacks (default "stack"): stack-00001, stack-00002, ... */
  prefix?: string;
  /** Seed for the noise labels; the same options always give the same account (default 1). */
  seed?: number;
}

const TEAMS = ['platform', 'data', 'web', 'security', 'payments'];
const STATES = ['FINISHED', 'FINISHED', 'FINISHED', 'UNCONFIRMED', 'FAILED', 'NONE'];

export function generateStacks(options: GenerateStacksOptions): FakeStackSpec[] {
  const { total, dependentsOf, prefix = 'stack' } = options;
  const count = dependentsOf?.count ?? 0;
  if (!Number.isInteger(total) || total < 0) throw new Error(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(count) || count < 0) throw new Error(`dependentsOf.count must be a non-negative integer, got ${count}`);
  if (dependentsOf && total < count + 1) {
    throw new Error(`total (${total}) must leave room for ${dependentsOf.stackId} and its ${count} dependents`);
  }
  const random = prng(options.seed ?? 1);
  const upstream = dependentsOf?.stackId;
  const others = upstream === undefined ? total : total - 1;
  const dependentSlots = spread(count, others);
  const stacks: FakeStackSpec[] = upstream === undefined ? [] : [{ id: upstream, name: upstream, labels: ['team:platform'] }];

  for (let i = 0; i < others; i++) {
    const id = `${prefix}-${String(i + 1).padStart(5, '0')}`;
    const labels = [`team:${pick(TEAMS, random)}`];
    if (upstream !== undefined && dependentSlots.has(i)) labels.push(`dependsOn:${upstream}`);
    else if (upstream !== undefined && random() < 0.1) labels.push(nearMiss(upstream, random));
    // Edges among generated stacks, always pointing backwards so the graph stays acyclic.
    if (i > 0 && random() < 0.2) labels.push(`depends-on:${prefix}-${String(1 + Math.floor(random() * i)).padStart(5, '0')}`);
    stacks.push({
      id,
      name: `Generated ${id}`,
      labels,
      state: pick(STATES, random),
      branch: random() < 0.9 ? 'main' : 'release',
      isDisabled: random() < 0.02,
      lockedBy: random() < 0.03 ? 'jane@acme.example' : null,
      attachedContexts: random() < 0.5 ? [{ contextId: 'aws-prod', contextName: 'aws-prod', priority: 0 }] : [],
    });
  }
  return stacks;
}

/** Labels that name a different stack but contain the upstream ID, to catch substring matching. */
function nearMiss(upstream: string, random: () => number): string {
  return pick([`dependsOn:${upstream}-legacy`, `dependsOn:${upstream}x`, `depends-on:old-${upstream}`, `team:${upstream}`], random);
}

/** `count` indices in [0, size), evenly spaced so dependents land on every page. */
function spread(count: number, size: number): Set<number> {
  const slots = new Set<number>();
  for (let j = 0; j < count; j++) slots.add(Math.floor((j * size) / count));
  return slots;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}
