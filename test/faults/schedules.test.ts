// The randomized fault-schedule suite (issue 12; docs/reliability.md). fast-check draws a cascade graph (two roots,
// diamonds, `|state:` and `|when:changed` edges, approval gates, each stack's run outcome) and a schedule of
// Spacelift outages, lost trigger answers, duplicate / late / out-of-order webhooks, cancels, approvals and
// rejections, worker restarts, and a second cascade that shares stacks; each case runs on the time-skipping server
// with the fake Spacelift, and every invariant of ./schedules/invariants.ts is checked after it.
//
//   FAULT_CASES=5000 npm run test:faults                    more cases (default 200)
//   FAULT_SEED=<seed> FAULT_PATH=<path> npm run test:faults  replays a failing case, as printed when one fails
//
// Locally every run draws a new seed, to explore. CI (CI set) draws from CI_SEED unless FAULT_SEED says otherwise, so a
// red CI run is a regression in cases that passed before, not a new case found by chance.
import t from 'tap';
import fc from 'fast-check';
import { faultCase } from './schedules/arbitraries';
import { describeCase, describeObservation } from './schedules/describe';
import { INVARIANTS } from './schedules/invariants';
import type { Observation } from './schedules/observation';
import { runCase } from './schedules/run-case';
import { World } from './schedules/world';
import { within } from '../support/within';
import type { FaultCase } from './schedules/model';

const CASES = Number(process.env.FAULT_CASES ?? 200);
const CI_SEED = -697902509;
const SEED = process.env.FAULT_SEED !== undefined ? Number(process.env.FAULT_SEED) : process.env.CI ? CI_SEED : undefined;
const PATH = process.env.FAULT_PATH;
/** A case that has not ended after this long (real time) hangs: that fails it too. */
const CASE_LIMIT_MS = 60_000;

// .taprc's 600 s per file is too short for FAULT_CASES=5000: allow 10 s a case (a hung case fails after 60 s anyway).
t.setTimeout(Math.max(600_000, CASES * 10_000));

let world: World;
t.before(async () => {
  world = await World.create();
});
t.teardown(() => world?.close());

/** Every invariant's violations, each prefixed with the invariant's name. */
function violationsOf(c: FaultCase, o: Observation): string[] {
  return Object.entries(INVARIANTS).flatMap(([name, invariant]) => invariant(c, o).map((v) => `${name}: ${v}`));
}

t.test(`${PATH ? 'the case at FAULT_PATH keeps' : `${CASES} random fault schedules keep`} every invariant`, async (t) => {
  const tally = new Tally();
  const started = Date.now();
  const property = fc.asyncProperty(faultCase, async (c) => {
    const o = await within(CASE_LIMIT_MS, 'end of the fault case', runCase(world, c));
    tally.add(c, o);
    if (tally.cases % 25 === 0)
      process.stderr.write(`fault schedules: ${tally.cases} cases, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    const violations = violationsOf(c, o);
    if (violations.length > 0) {
      throw new Error(
        `${violations.length} invariant(s) broken:\n${violations.map((v) => `- ${v}`).join('\n')}\n\nCase:\n${describeCase(c)}\n\nWhat happened:\n${describeObservation(o)}`,
      );
    }
  });
  const details = await fc.check(property, {
    numRuns: CASES,
    ...(SEED !== undefined ? { seed: SEED } : {}),
    ...(PATH ? { path: PATH, endOnFailure: true } : {}),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  t.comment(
    `${tally.cases} case(s) in ${seconds} s (seed ${details.seed}); ${Object.keys(INVARIANTS).length} invariants checked after each: ${Object.keys(INVARIANTS).join(', ')}`,
  );
  t.comment(tally.summary());
  t.comment(`worker restarts ${world.restarts}; test-server time locks given back (sdk-java#1138) ${world.leaks.count}`);
  if (details.failed) {
    const counterexample = details.counterexample?.[0];
    const reproduce = `FAULT_SEED=${details.seed} FAULT_PATH=${details.counterexamplePath} npm run test:faults`;
    t.comment(
      [
        `A fault schedule broke an invariant (shrunk ${details.numShrinks} time(s)). Reproduce with:`,
        `  ${reproduce}`,
        '',
        counterexample ? describeCase(counterexample) : '',
        '',
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
      ].join('\n'),
    );
    t.fail(`a fault schedule broke an invariant; reproduce with ${reproduce}`);
  } else {
    t.pass(`${details.numRuns} cases kept every invariant`);
  }
});

/** What the cases did, for the figures in docs/reliability.md. */
class Tally {
  cases = 0;
  private readonly steps = new Map<string, { drawn: number; ran: number }>();
  private runs = 0;
  private joins = 0;
  private cancelled = 0;
  private secondCascades = 0;
  private failedRequests = 0;

  add(c: FaultCase, o: Observation): void {
    this.cases += 1;
    for (const { step } of c.schedule) this.count(step.kind).drawn += 1;
    for (const e of o.events) if (e.kind === 'step') this.count(e.step.kind).ran += 1;
    this.runs += o.runs.length;
    this.secondCascades += o.cascades.B.started ? 1 : 0;
    for (const cascade of Object.values(o.cascades)) {
      const status = cascade.result ?? cascade.query;
      this.joins += status?.decisions.filter((d) => d.decision === 'joined').length ?? 0;
      this.cancelled += cascade.end === 'cancelled' ? 1 : 0;
    }
    this.failedRequests += o.calls.filter((call) => call.error !== undefined).length;
  }

  summary(): string {
    const steps = [...this.steps].map(([kind, n]) => `${kind} ${n.ran}/${n.drawn}`).join(', ');
    return [
      `steps that ran / drawn: ${steps}`,
      `runs triggered ${this.runs}; second cascades ${this.secondCascades}; joined runs ${this.joins}; cascades cancelled ${this.cancelled}; failed Spacelift calls ${this.failedRequests}`,
    ].join('\n');
  }

  private count(kind: string) {
    const entry = this.steps.get(kind) ?? { drawn: 0, ran: 0 };
    this.steps.set(kind, entry);
    return entry;
  }
}
