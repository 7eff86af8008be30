import type { WorkflowExecutionInfo } from '@temporalio/client';
import { CASCADE_WORKFLOW_TYPE, cascadeStatusQuery, type CascadeStatus } from '../workflows/cascade-types';
import { noWorkerAnswered, type TemporalSession } from '../service/temporal-session';
import type { CascadeRecord } from './types';

/** Workflows read at once: enough to hide the round trips, few enough not to load the frontend. */
const READ_CONCURRENCY = 8;
/** Rows per visibility page. */
const PAGE_SIZE = 200;

export interface ReadWindow {
  since: number;
  root?: string;
}

/** Double quotes and backslashes escaped for a visibility query string literal. */
const literal = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The visibility query: every CascadeWorkflow started in the window, and every one still running whenever it
 * started (a stuck cascade from before the window is still news). `--root` narrows it by workflow ID prefix;
 * the root itself is checked against each status, since `cascade-vpc-` also prefixes the cascades of `vpc-east`.
 */
export function cascadeQuery({ since, root }: ReadWindow): string {
  const window = `(StartTime >= ${literal(new Date(since).toISOString())} OR ExecutionStatus = "Running")`;
  const prefix = root !== undefined ? ` AND WorkflowId STARTS_WITH ${literal(`cascade-${root}-`)}` : '';
  return `WorkflowType = ${literal(CASCADE_WORKFLOW_TYPE)} AND ${window}${prefix}`;
}

/**
 * The cascades of the window, one at a time, with their status: a completed one's result (no worker needed), else
 * the cascadeStatus query, which a worker answers (a running cascade's, or by replaying an ended one). Once a
 * query finds no worker, the rest are not asked: each would wait for the deadline too.
 */
export async function* readCascades(session: TemporalSession, window: ReadWindow): AsyncGenerator<CascadeRecord> {
  const listing = session.client.workflow.list({ query: cascadeQuery(window), pageSize: PAGE_SIZE });
  let noWorker: string | undefined;
  const read = async (info: WorkflowExecutionInfo): Promise<CascadeRecord> => {
    const base = {
      workflowId: info.workflowId,
      execution: info.status.name,
      startedAt: info.startTime.getTime(),
      ...(info.closeTime ? { closedAt: info.closeTime.getTime() } : {}),
    };
    const handle = session.client.workflow.getHandle(info.workflowId, info.runId);
    try {
      if (info.status.name === 'COMPLETED')
        return { ...base, status: (await session.call(() => handle.result())) as CascadeStatus, source: 'temporal' };
      if (noWorker) return { ...base, source: 'none', unreadable: noWorker };
      return { ...base, status: await session.call(() => handle.query(cascadeStatusQuery)), source: 'temporal' };
    } catch (err) {
      if (noWorkerAnswered(err)) noWorker ??= `no worker answered the status query (task queue ${info.taskQueue})`;
      return { ...base, source: 'none', unreadable: noWorker ?? (err instanceof Error ? err.message : String(err)) };
    }
  };
  for await (const record of mapConcurrently(listing, READ_CONCURRENCY, read)) {
    if (window.root !== undefined && record.status && record.status.root !== window.root) continue;
    yield record;
  }
}

/** Applies `fn` to every item with at most `limit` calls at once, yielding results as they come (not in order). */
export async function* mapConcurrently<T, R>(source: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const running = new Map<number, Promise<{ key: number; result: R }>>();
  let next = 0;
  let exhausted = false;
  while (true) {
    while (!exhausted && running.size < limit) {
      const item = await iterator.next();
      if (item.done) {
        exhausted = true;
        break;
      }
      const key = next++;
      running.set(
        key,
        fn(item.value).then((result) => ({ key, result })),
      );
    }
    if (running.size === 0) return;
    const { key, result } = await Promise.race(running.values());
    running.delete(key);
    yield result;
  }
}

/** How long the namespace keeps ended workflows, or undefined when it does not say. */
export async function retentionMs(session: TemporalSession): Promise<number | undefined> {
  const answer = await session.call(() => session.client.workflowService.describeNamespace({ namespace: session.config.namespace }));
  const seconds = Number(answer.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  return seconds > 0 ? seconds * 1000 : undefined;
}
