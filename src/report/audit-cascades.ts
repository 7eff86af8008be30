import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditConfig } from '../config/types';
import type { CascadeStatus, Decision, StackState, StackStatus } from '../workflows/cascade-types';

/** Cascades whose status Temporal could not give that are looked up in the audit log; the rest stay unread. */
export const AUDIT_LOOKUP_LIMIT = 1000;

const STATE_OF: Partial<Record<Decision['decision'], StackState>> = {
  triggered: 'running',
  joined: 'running',
  finished: 'finished',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/**
 * The decisions of the given cascades, from the audit log and its rotated files (oldest first), in one streaming
 * pass. Lines that are not JSON, or not about these cascades, are passed over.
 */
export async function readAuditDecisions(
  config: AuditConfig & { path: string },
  cascadeIds: ReadonlySet<string>,
): Promise<Map<string, { root: string; decisions: Decision[] }>> {
  const found = new Map<string, { root: string; decisions: Decision[] }>();
  const files = [...Array.from({ length: config.keep }, (_, i) => `${config.path}.${config.keep - i}`), config.path].filter((file) =>
    existsSync(file),
  );
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const entry = parseLine(line);
      if (!entry || !cascadeIds.has(entry.cascadeId)) continue;
      const book = found.get(entry.cascadeId) ?? { root: entry.root, decisions: [] };
      found.set(entry.cascadeId, book);
      const { cascadeId: _c, root: _r, rootRunId: _rr, ...decision } = entry;
      book.decisions.push(decision);
    }
  }
  return found;
}

/**
 * A status rebuilt from decisions: each stack's state is its last decision, its timeline the decisions' times
 * (a run from its trigger to its end). Waits and parents are not in the audit log, so they are left out.
 */
export function statusFromDecisions(root: string, decisions: readonly Decision[]): CascadeStatus {
  const stacks = new Map<string, StackStatus>();
  for (const decision of decisions) {
    const state = STATE_OF[decision.decision];
    if (!state) continue;
    const stack = stacks.get(decision.stackId) ?? {
      id: decision.stackId,
      name: decision.stackId,
      wave: 0,
      parents: [],
      state,
      timeline: [],
    };
    stack.state = state;
    stack.timeline?.push({ state, at: decision.at });
    if (decision.runId) stack.runId = decision.runId;
    if (decision.reason) stack.reason = decision.reason;
    stacks.set(decision.stackId, stack);
  }
  return { root, stacks: [...stacks.values()], cycles: [], done: true, decisions: [...decisions], notifications: [] };
}

type AuditLine = Decision & { cascadeId: string; root: string; rootRunId?: string };

function parseLine(line: string): AuditLine | undefined {
  try {
    const value = JSON.parse(line) as Partial<AuditLine>;
    if (
      typeof value.cascadeId !== 'string' ||
      typeof value.stackId !== 'string' ||
      typeof value.at !== 'string' ||
      typeof value.decision !== 'string'
    )
      return undefined;
    return value as AuditLine;
  } catch {
    return undefined;
  }
}
