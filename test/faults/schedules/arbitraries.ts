/** fast-check generators for the fault-schedule suite: small graphs, their run outcomes, and schedules. */
import fc from 'fast-check';
import type { CaseGraph, EdgeSpec, FaultCase, RootRun, RunOutcome, StackSpec, Step, TimedStep } from './model';

/** At most this many stacks below the two roots: enough for diamonds, conditional edges and sharing, and fast. */
export const MAX_STACKS = 5;
/**
 * Requests one outage fails: with at most MAX_STEPS of them, one read retried through all of them backs off for
 * under 45 minutes (1 s, 2 s … 60 s apart), inside the plan's deadline (1 h) and a run's (4 h).
 */
export const MAX_OUTAGE = 6;
export const MAX_STEPS = 8;
/** Steps are anchored on the first Spacelift calls of a case: a case of a few stacks makes 10 to 40. */
const LAST_ANCHOR = 16;

/** Mostly `a`, sometimes `b`: the weights of `choices`, in order. */
function weighted<T>(...choices: [T, number][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([value, weight]) => ({ weight, arbitrary: fc.constant(value) })));
}

/** Mostly resources changed, so `when:changed` edges fire often enough for what is below them to run. */
const delta = weighted(['changed' as const, 3], ['unchanged' as const, 1], ['none' as const, 1]);

const rootRun: fc.Arbitrary<RootRun> = fc.record({ state: weighted(['FINISHED' as const, 5], ['FAILED' as const, 1]), delta });

const outcome: fc.Arbitrary<RunOutcome> = fc.record({
  state: weighted(['FINISHED' as const, 4], ['FAILED' as const, 1]),
  delta,
  // Up to four polls before it ends: long enough, often, for the other cascade to ask while it is still queued.
  afterPolls: fc.integer({ min: 0, max: 4 }),
});

const edgeStates = weighted<EdgeSpec['states']>([['FINISHED'], 5], [['FAILED'], 1], [['FINISHED', 'FAILED'], 1]);

/**
 * Stack `s<i+1>`: a first parent (most often root a or an earlier stack, so cascade A has a graph worth the name;
 * sometimes root b) and, more often than not, a second one (root b weighs most: stacks that both cascades reach,
 * which is where runs are shared). Parents always come before, so the graph has no cycle.
 */
function stack(i: number): fc.Arbitrary<StackSpec> {
  const earlier = Array.from({ length: i }, (_, j) => `s${j + 1}`);
  const first = fc.oneof(
    { weight: 3, arbitrary: fc.constant('a') },
    { weight: 1, arbitrary: fc.constant('b') },
    ...(earlier.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...earlier) }] : []),
  );
  const second = fc.option(
    fc.oneof({ weight: 2, arbitrary: fc.constant('b') }, { weight: 1, arbitrary: fc.constantFrom('a', 'b', ...earlier) }),
    { freq: 3 },
  );
  const edge = (parent: string): fc.Arbitrary<EdgeSpec> =>
    fc.record({ parent: fc.constant(parent), states: edgeStates, changed: weighted([false, 4], [true, 1]) });
  const parents = fc
    .tuple(first, second)
    .map(([one, two]) => (two === null || two === one ? [one] : [one, two]))
    .chain((names) => fc.tuple(...names.map(edge)));
  const approval = fc.option(weighted(['approve' as const, 3], ['reject' as const, 1], ['silent' as const, 1]), {
    freq: 3,
    nil: undefined,
  });
  return fc
    .record({ name: fc.constant(`s${i + 1}`), parents, approval, outcome })
    .map(({ approval: answer, ...rest }) => ({ ...rest, ...(answer ? { approval: answer } : {}) }));
}

export const graph: fc.Arbitrary<CaseGraph> = fc
  .integer({ min: 2, max: MAX_STACKS })
  .chain((n) => fc.record({ a: rootRun, b: rootRun, stacks: fc.tuple(...Array.from({ length: n }, (_, i) => stack(i))) }));

function step(stackNames: string[]): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('outage' as const),
        fault: fc.constantFrom('http500' as const, 'http429' as const, 'timeout' as const, 'reset' as const),
        length: fc.integer({ min: 1, max: MAX_OUTAGE }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('lostAnswer' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('slowAnswer' as const), ms: fc.constantFrom(250, 500, 1000) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), cascade: fc.constantFrom('A' as const, 'B' as const) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constantFrom('approve' as const, 'reject' as const),
        cascade: fc.constantFrom('A' as const, 'B' as const),
        stack: fc.constantFrom(...stackNames),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('webhook' as const),
        run: fc.nat({ max: 9 }),
        mode: fc.constantFrom('start' as const, 'finish' as const, 'duplicate' as const, 'reorder' as const, 'late' as const),
      }),
    },
  );
}

function schedule(stackNames: string[]): fc.Arbitrary<TimedStep[]> {
  return fc
    .array(fc.record({ at: fc.nat({ max: LAST_ANCHOR }), step: step(stackNames) }), { maxLength: MAX_STEPS })
    .map((steps) => [...steps].sort((x, y) => x.at - y.at));
}

export const faultCase: fc.Arbitrary<FaultCase> = graph.chain((g) =>
  fc
    .record({
      graph: fc.constant(g),
      // Four cases in five have a second cascade, mostly starting early, while the first one's runs are young.
      second: fc.option(fc.record({ at: fc.nat({ max: 8 }) }), { freq: 4, nil: undefined }),
      maxInFlight: fc.integer({ min: 1, max: 3 }),
      schedule: schedule(g.stacks.map((s) => s.name)),
    })
    .map(({ second, ...rest }) => ({ ...rest, ...(second ? { second } : {}) })),
);
