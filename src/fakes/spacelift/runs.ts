/**
 * The fake account's runs: creation, scripted outcomes advanced by getRun polls, and runCancel/runDiscard with
 * the state rules of Spacelift's docs (shared/reference/spacelift-api.md §3.3, §3.5).
 */
import type { RunDelta } from '../../platform/types';
import type { FakeRunInfo, FakeStackSpec, RunOutcome } from './types';
import type { Payload } from './wire';

/** Terminal states per Spacelift's docs; a run in one of these never moves on by itself. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'DISCARDED', 'STOPPED', 'CANCELED', 'SKIPPED']);
/** runCancel: "Cancel a Run that has not yet started". */
const CANCELABLE = new Set(['QUEUED', 'READY']);
/** runDiscard: a run waiting to be applied, and (per the docs) QUEUED/READY runs. */
const DISCARDABLE = new Set(['QUEUED', 'READY', 'UNCONFIRMED']);

interface FakeRun {
  id: string;
  branch: string | null;
  state: string;
  type: string;
  createdAt: number;
  /** Spacelift's runs carry updatedAt; the client does not select it. */
  updatedAt: number;
  triggeredBy: string | null;
  delta: RunDelta | null;
}

/** How `Stack.runs(before:)` pages: pages walk back in time; `order` is the order of the runs within a page. */
export interface RunPaging {
  pageSize: number;
  order: 'newest-first' | 'oldest-first';
}

interface Entry {
  stackId: string;
  run: FakeRun;
  /** getRun answers that showed this run in a non-terminal state. */
  polls: number;
  /** Its outcome has been applied (or it was stopped): outcomes never apply twice. */
  settled: boolean;
}

export type StopResult = { run: Payload } | { error: string };

export class RunBook {
  private readonly entries = new Map<string, Entry>();
  private readonly outcomes = new Map<string, RunOutcome>();
  private readonly defaultOutcome: RunOutcome | undefined;

  constructor(
    private readonly seconds: () => number,
    private readonly triggeredBy: string,
    defaultOutcome?: RunOutcome,
  ) {
    this.defaultOutcome = defaultOutcome && checkOutcome('defaultRunOutcome', defaultOutcome);
  }

  /** A run of `stack`: by default one our key triggers now; `as` seeds somebody else's or an older one. */
  create(stack: FakeStackSpec, as: { triggeredBy?: string | null; createdAt?: number; state?: string } = {}): Payload {
    const id = `01FAKERUN${String(this.entries.size + 1).padStart(17, '0')}`;
    const createdAt = as.createdAt ?? this.seconds();
    const run: FakeRun = {
      id,
      branch: stack.branch === undefined ? 'main' : stack.branch,
      state: as.state ?? 'QUEUED',
      type: 'TRACKED',
      createdAt,
      updatedAt: createdAt,
      triggeredBy: as.triggeredBy === undefined ? this.triggeredBy : as.triggeredBy,
      delta: null,
    };
    this.entries.set(id, { stackId: stack.id, run, polls: 0, settled: false });
    return render(run);
  }

  setOutcome(stackId: string, outcome: RunOutcome): void {
    this.outcomes.set(stackId, checkOutcome(`setRunOutcome(${stackId})`, outcome));
  }

  setState(runId: string, state: string, delta?: RunDelta | null): void {
    const entry = this.entries.get(runId);
    if (!entry) throw new Error(`fake-spacelift: no run ${runId}`);
    this.move(entry, state, delta === undefined ? entry.run.delta : delta);
  }

  /** getRun: the run as it is now, after applying its outcome if this poll is the one that ends it. */
  poll(stackId: string, runId: string): Payload | null {
    const entry = this.entries.get(runId);
    if (entry?.stackId !== stackId) return null;
    const outcome = this.outcomes.get(stackId) ?? this.defaultOutcome;
    if (outcome && !entry.settled && !TERMINAL_STATES.has(entry.run.state) && entry.polls >= (outcome.afterPolls ?? 0)) {
      this.move(entry, outcome.state, outcome.delta ?? null);
      entry.settled = true;
    }
    if (!TERMINAL_STATES.has(entry.run.state)) entry.polls += 1;
    return render(entry.run);
  }

  /**
   * listRuns: one page of the stack's runs, the page after the run `before` (in creation order, newest first: what
   * spacectl's `runs(before: <last run ID>)` implies), ordered within the page as `paging.order` says. An unknown
   * `before` answers an empty page.
   */
  list(stackId: string, before: unknown, paging: RunPaging): Payload[] {
    const newestFirst = [...this.entries.values()].filter((e) => e.stackId === stackId).reverse();
    const start = typeof before === 'string' ? newestFirst.findIndex((e) => e.run.id === before) + 1 : 0;
    if (start === 0 && typeof before === 'string') return [];
    const page = newestFirst.slice(start, start + paging.pageSize).map((e) => render(e.run));
    return paging.order === 'newest-first' ? page : page.reverse();
  }

  /** runCancel / runDiscard. A refusal is the message of the GraphQL error Spacelift would answer. */
  stop(kind: 'cancel' | 'discard', stackId: string, runId: unknown): StopResult {
    if (typeof runId !== 'string' || runId === '')
      return { error: `fake-spacelift: run${kind === 'cancel' ? 'Cancel' : 'Discard'} needs a run ID` };
    const entry = this.entries.get(runId);
    if (entry?.stackId !== stackId) return { error: `not found: run ${runId}` };
    const [allowed, target, verb] = kind === 'cancel' ? [CANCELABLE, 'CANCELED', 'canceled'] : [DISCARDABLE, 'DISCARDED', 'discarded'];
    if (!allowed.has(entry.run.state)) return { error: `run ${runId} cannot be ${verb} in state ${entry.run.state}` };
    this.move(entry, target, entry.run.delta);
    entry.settled = true;
    return { run: render(entry.run) };
  }

  info(stackId?: string): FakeRunInfo[] {
    return [...this.entries.values()]
      .filter((e) => stackId === undefined || e.stackId === stackId)
      .map(({ stackId: owner, run }) => ({ stackId: owner, id: run.id, state: run.state, delta: run.delta && { ...run.delta } }));
  }

  private move(entry: Entry, state: string, delta: RunDelta | null): void {
    entry.run = { ...entry.run, state, delta: delta && { ...delta }, updatedAt: this.seconds() };
  }
}

/** The run as the API answers it: delta in GraphQL's names, with `resources` (the fake reports the sum). */
function render(run: FakeRun): Payload {
  const { delta } = run;
  return {
    ...run,
    delta: delta && {
      addCount: delta.added,
      changeCount: delta.changed,
      deleteCount: delta.deleted,
      resources: delta.added + delta.changed + delta.deleted,
    },
  };
}

function checkOutcome(where: string, outcome: RunOutcome): RunOutcome {
  const { state, delta, afterPolls } = outcome;
  if (typeof state !== 'string' || state === '') throw new Error(`fake-spacelift: ${where} needs a state`);
  if (afterPolls !== undefined && (!Number.isInteger(afterPolls) || afterPolls < 0)) {
    throw new Error(`fake-spacelift: ${where}.afterPolls must be a non-negative integer, got ${afterPolls}`);
  }
  const counts = delta ? [delta.added, delta.changed, delta.deleted] : [];
  if (counts.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(`fake-spacelift: ${where}.delta counts must be non-negative integers`);
  }
  return { state, delta: delta ? { ...delta } : delta, ...(afterPolls === undefined ? {} : { afterPolls }) };
}
