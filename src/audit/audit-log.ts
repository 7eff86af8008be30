import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditConfig } from '../config/types';

/** One line of the audit log: a decision of one cascade about one stack. */
export interface AuditRecord {
  /** Workflow time of the decision, ISO 8601. */
  at: string;
  cascadeId: string;
  root: string;
  rootRunId?: string;
  stackId: string;
  decision: string;
  reason?: string;
  by?: string;
  runId?: string;
}

export interface AuditLog {
  readonly path: string;
  /** Appends one JSON line per record, in order, rotating first when the batch would take the file past maxBytes. */
  append(records: readonly AuditRecord[]): Promise<void>;
}

/**
 * A size-rotated JSON-lines file: before a write that would take `path` past `maxBytes`, path.<keep-1> … path.1
 * move up one (the oldest falls off) and path becomes path.1. Appends from concurrent activities in this process are
 * serialized, so batches never interleave; a batch is never split, so one larger than maxBytes fills a file alone.
 * One process per file: two workers must not share an audit log path.
 */
export function createAuditLog({ path, maxBytes, keep }: Required<AuditConfig>): AuditLog {
  let queue: Promise<void> = Promise.resolve();
  let directoryReady = false;

  const write = async (records: readonly AuditRecord[]) => {
    if (records.length === 0) return;
    const text = records.map((record) => JSON.stringify(orderedRecord(record))).join('\n') + '\n';
    if (!directoryReady) {
      await mkdir(dirname(path), { recursive: true, mode: 0o750 });
      directoryReady = true;
    }
    const size = await sizeOf(path);
    if (size > 0 && size + Buffer.byteLength(text) > maxBytes) await rotate(path, keep);
    await appendFile(path, text, { mode: 0o640 });
  };

  return {
    path,
    append(records) {
      const next = queue.then(() => write(records));
      queue = next.catch(() => undefined); // one failed write must not stop later ones
      return next;
    },
  };
}

/** Keys in a fixed order, optional ones only when present, so lines can be compared and grepped. */
function orderedRecord(r: AuditRecord): AuditRecord {
  return {
    at: r.at,
    cascadeId: r.cascadeId,
    root: r.root,
    ...(r.rootRunId !== undefined ? { rootRunId: r.rootRunId } : {}),
    stackId: r.stackId,
    decision: r.decision,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.by !== undefined ? { by: r.by } : {}),
    ...(r.runId !== undefined ? { runId: r.runId } : {}),
  };
}

async function rotate(path: string, keep: number): Promise<void> {
  for (let i = keep - 1; i >= 1; i--) await renameIfPresent(`${path}.${i}`, `${path}.${i + 1}`);
  await renameIfPresent(path, `${path}.1`);
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
