import { QuantileSketch } from './quantiles';
import type { CascadeOutcome, CascadeSummary, Report, StackRow, StuckCascade, StuckStack } from './types';

export interface ReportOptions {
  since: number;
  until: number;
  root?: string;
  stuckAfterMs: number;
  /** Rows in each top-N table (slowest cascades, slowest stacks, most blocking). */
  top: number;
  /** Stuck cascades and stacks listed (the oldest); the rest are counted. */
  stuckLimit: number;
}

interface StackBook {
  cascades: number;
  triggered: number;
  joined: number;
  finished: number;
  failed: number;
  skipped: number;
  cancelled: number;
  run: QuantileSketch;
  queuedTotal: number;
  queuedCount: number;
  blockedOthersMs: number;
  blockedCascades: number;
}

/**
 * The whole report, built one cascade at a time: it keeps per-stack figures, a sketch of durations and bounded
 * top-N lists, never the cascades themselves, so memory does not grow with the window.
 */
export class ReportBuilder {
  private readonly stacks = new Map<string, StackBook>();
  private readonly durations = new QuantileSketch();
  private readonly byOutcome: Partial<Record<CascadeOutcome, number>> = {};
  private slowest: CascadeSummary[] = [];
  private stuckCascades: StuckCascade[] = [];
  private stuckStacks: StuckStack[] = [];
  private moreStuckCascades = 0;
  private moreStuckStacks = 0;
  private total = 0;
  private unreadable = 0;
  private fromAuditLog = 0;
  private readonly notes: string[] = [];

  constructor(private readonly options: ReportOptions) {}

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  add(cascade: CascadeSummary): void {
    this.total += 1;
    this.byOutcome[cascade.outcome] = (this.byOutcome[cascade.outcome] ?? 0) + 1;
    if (cascade.source === 'none') this.unreadable += 1;
    if (cascade.source === 'audit') this.fromAuditLog += 1;
    if (cascade.outcome !== 'running') this.durations.add(cascade.durationMs);
    this.slowest = keepTop(
      [...this.slowest, cascade],
      this.options.top,
      (a, b) => b.durationMs - a.durationMs || compare(a.workflowId, b.workflowId),
    );
    for (const stack of cascade.stacks) {
      const book = this.bookOf(stack.id);
      book.cascades += 1;
      if (stack.run === 'triggered') book.triggered += 1;
      if (stack.run === 'joined') book.joined += 1;
      if (stack.state === 'finished' || stack.state === 'failed' || stack.state === 'skipped' || stack.state === 'cancelled')
        book[stack.state] += 1;
      const inSpacelift = stack.split.queued + stack.split.running;
      if (stack.endedAt !== undefined && stack.run !== undefined && inSpacelift > 0) {
        book.run.add(inSpacelift);
        book.queuedTotal += stack.split.queued;
        book.queuedCount += 1;
      }
      const held = cascade.blocking[stack.id] ?? 0;
      if (held > 0) {
        book.blockedOthersMs += held;
        book.blockedCascades += 1;
      }
    }
    this.addStuck(cascade);
  }

  build(): Report {
    const rows = [...this.stacks.entries()].map(([id, book]) => row(id, book)).sort((a, b) => compare(a.id, b.id));
    const { top } = this.options;
    return {
      schemaVersion: 1,
      generatedAt: new Date(this.options.until).toISOString(),
      window: {
        since: new Date(this.options.since).toISOString(),
        until: new Date(this.options.until).toISOString(),
        ...(this.options.root ? { root: this.options.root } : {}),
      },
      stuckAfterMs: this.options.stuckAfterMs,
      cascades: {
        total: this.total,
        byOutcome: this.byOutcome,
        unreadable: this.unreadable,
        fromAuditLog: this.fromAuditLog,
        durationP50: this.durations.quantile(0.5),
        durationP95: this.durations.quantile(0.95),
      },
      slowest: this.slowest,
      stacks: rows,
      slowestStacks: rows
        .filter((r) => r.runP95 !== null)
        .sort((a, b) => (b.runP95 ?? 0) - (a.runP95 ?? 0) || compare(a.id, b.id))
        .slice(0, top),
      mostBlocking: rows
        .filter((r) => r.blockedOthersMs > 0)
        .sort((a, b) => b.blockedOthersMs - a.blockedOthersMs || compare(a.id, b.id))
        .slice(0, top),
      stuck: {
        cascades: this.stuckCascades,
        stacks: this.stuckStacks,
        moreCascades: this.moreStuckCascades,
        moreStacks: this.moreStuckStacks,
      },
      notes: this.notes,
    };
  }

  private addStuck(cascade: CascadeSummary): void {
    const { stuckAfterMs, stuckLimit, until } = this.options;
    if (cascade.outcome === 'running' && cascade.durationMs > stuckAfterMs) {
      const stuck = { workflowId: cascade.workflowId, root: cascade.root, startedAt: cascade.startedAt, ageMs: cascade.durationMs };
      const kept = keepTop([...this.stuckCascades, stuck], stuckLimit, (a, b) => b.ageMs - a.ageMs || compare(a.workflowId, b.workflowId));
      this.moreStuckCascades += this.stuckCascades.length + 1 - kept.length;
      this.stuckCascades = kept;
    }
    if (cascade.outcome !== 'running') return;
    for (const stack of cascade.stacks) {
      if (!stack.waitingSince || until - stack.waitingSince.at <= stuckAfterMs) continue;
      const stuck: StuckStack = {
        workflowId: cascade.workflowId,
        stackId: stack.id,
        state: stack.waitingSince.state,
        since: stack.waitingSince.at,
        ageMs: until - stack.waitingSince.at,
        reason: stuckReason(cascade, stack.id),
      };
      const kept = keepTop(
        [...this.stuckStacks, stuck],
        stuckLimit,
        (a, b) => b.ageMs - a.ageMs || compare(a.workflowId, b.workflowId) || compare(a.stackId, b.stackId),
      );
      this.moreStuckStacks += this.stuckStacks.length + 1 - kept.length;
      this.stuckStacks = kept;
    }
  }

  private bookOf(id: string): StackBook {
    let book = this.stacks.get(id);
    if (!book) {
      book = {
        cascades: 0,
        triggered: 0,
        joined: 0,
        finished: 0,
        failed: 0,
        skipped: 0,
        cancelled: 0,
        run: new QuantileSketch(),
        queuedTotal: 0,
        queuedCount: 0,
        blockedOthersMs: 0,
        blockedCascades: 0,
      };
      this.stacks.set(id, book);
    }
    return book;
  }
}

/** What a stuck stack waits for, in words an operator can act on. */
function stuckReason(cascade: CascadeSummary, stackId: string): string {
  const stack = cascade.stacks.find((s) => s.id === stackId);
  if (!stack?.waitingSince) return '';
  switch (stack.waitingSince.state) {
    case 'waiting_for_parents': {
      const open = stack.parents.filter((id) => cascade.stacks.find((s) => s.id === id)?.endedAt === undefined && id !== cascade.root);
      return open.length > 0 ? `parents not done: ${open.join(', ')}` : 'parents';
    }
    case 'waiting_for_approval':
      return `approval: spacelift-cascade approve ${cascade.workflowId} ${stackId}`;
    case 'waiting_for_slot':
      return 'a concurrency slot (CASCADE_MAX_IN_FLIGHT)';
    case 'waiting_for_window':
      return stack.reason ?? 'a maintenance window';
    case 'triggering':
      return 'the trigger has not been answered';
    case 'running':
      return `run ${stack.runId ?? '(unknown)'} ${stack.split.running > 0 ? 'running' : 'queued'} in Spacelift`;
    case 'waiting_for_retry':
      return stack.reason ?? 'the retry of a failed run';
  }
}

function row(id: string, book: StackBook): StackRow {
  const ended = book.finished + book.failed;
  return {
    id,
    cascades: book.cascades,
    triggered: book.triggered,
    joined: book.joined,
    finished: book.finished,
    failed: book.failed,
    skipped: book.skipped,
    cancelled: book.cancelled,
    successRate: ended > 0 ? book.finished / ended : null,
    runP50: book.run.quantile(0.5),
    runP95: book.run.quantile(0.95),
    queuedMean: book.queuedCount > 0 ? Math.round(book.queuedTotal / book.queuedCount) : null,
    blockedOthersMs: book.blockedOthersMs,
    blockedCascades: book.blockedCascades,
  };
}

function keepTop<T>(items: T[], limit: number, order: (a: T, b: T) => number): T[] {
  return items.sort(order).slice(0, limit);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
