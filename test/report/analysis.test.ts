// The report's analysis against cascades recorded on the time-skipping server (fixtures/record-cascades.ts):
// where each stack's time went, critical paths, who held whom up, per-stack figures, stuck work.
import t from 'tap';
import { analyzeCascade } from '../../src/report/analyze-cascade';
import { ReportBuilder } from '../../src/report/aggregate';
import { QuantileSketch } from '../../src/report/quantiles';
import { parseSpan } from '../../src/report/format';
import { HOUR, MINUTE, recordOf, recorded, recordedReport } from './recorded';

const at = recorded.recordedAt;
/** Within a second: workflow tasks take a few ms of (real) time between the simulated waits. */
const about = (actual: number | undefined, expected: number) => Math.abs((actual ?? NaN) - expected) < 1000;

t.test('a completed diamond: each stack’s time split, the critical path through the slower parent, the approval wait', async (t) => {
  const cascade = analyzeCascade(recordOf('cascade-vpc-RA'), at);
  const stack = (id: string) => cascade.stacks.find((s) => s.id === id);
  t.equal(cascade.outcome, 'completed');
  t.equal(cascade.root, 'vpc');
  t.same(stack('app')?.parents.sort(), ['eks', 'rds']);
  t.ok(about(stack('eks')?.split.queued, 3 * MINUTE) && about(stack('eks')?.split.running, 10 * MINUTE), 'eks: 3 min queued, 10 running');
  t.ok(about(stack('app')?.split.approval, 2 * HOUR), 'app waited 2 h for approval');
  t.ok(about(stack('app')?.split.parents, 3 * MINUTE + 10 * MINUTE + 1 * MINUTE + 15 * MINUTE), 'app waited for rds, which ended last');
  t.same(cascade.criticalPath.stacks, ['rds', 'app', 'cdn'], 'through rds (16 min in Spacelift), not eks');
  t.ok(about(cascade.criticalPath.durationMs, cascade.durationMs), 'the critical path explains the whole cascade');
  for (const s of cascade.stacks) {
    const total = (Object.values(s.split) as number[]).reduce((sum, ms) => sum + ms, 0);
    t.equal(total, (s.endedAt ?? at) - s.startedAt, `${s.id}: the split adds up to its time in the cascade`);
  }
  t.ok(
    about(
      cascade.blocking.app,
      (stack('cdn')?.split.parents as number) - ((stack('app')?.activeAt as number) - (stack('cdn')?.startedAt as number)),
    ),
    'cdn’s wait while app was at work is charged to app',
  );
  t.equal(cascade.blocking.eks, undefined, 'eks ended before rds: it held nobody up');
  const waited = cascade.stacks.reduce((sum, s) => sum + s.split.parents, 0);
  const charged = Object.values(cascade.blocking).reduce((sum, ms) => sum + ms, 0);
  t.ok(Math.abs(waited - charged) < 1000, `every wait for parents is charged to someone: ${waited} ms waited, ${charged} ms charged`);
});

t.test('one run at a time: the stacks queue for the slot in turn', async (t) => {
  const cascade = analyzeCascade(recordOf('cascade-net-RC'), at);
  const slot = Object.fromEntries(cascade.stacks.map((s) => [s.id, s.split.slot]));
  t.ok(slot.dns < 1000, 'dns took the slot at once');
  t.ok(about(slot.mail, 7 * MINUTE) && about(slot.vpn, 14 * MINUTE), `mail waited one run, vpn two: ${JSON.stringify(slot)}`);
  t.same(cascade.blocking, {}, 'waiting for a slot is not waiting for a parent');
});

t.test('a failed stack fails the cascade and skips what is below it', async (t) => {
  const cascade = analyzeCascade(recordOf('cascade-vpc-RB'), at);
  t.equal(cascade.outcome, 'failed');
  t.same(Object.fromEntries(cascade.stacks.map((s) => [s.id, s.state])), {
    eks: 'failed',
    rds: 'finished',
    app: 'skipped',
    cdn: 'skipped',
  });
});

t.test('a running cascade: time counts up to now, the stacks still waiting say since when', async (t) => {
  const cascade = analyzeCascade(recordOf('cascade-vpc-RD'), at);
  t.equal(cascade.outcome, 'running');
  t.equal(cascade.endedAt, undefined);
  const app = cascade.stacks.find((s) => s.id === 'app');
  t.equal(app?.waitingSince?.state, 'waiting_for_approval');
  t.ok(about(app?.split.approval, 7 * HOUR), 'the approval wait so far');
});

t.test('over the window: per-stack figures, the slowest and most blocking stacks, stuck work', async (t) => {
  const { report } = await recordedReport();
  t.same(report.cascades.byOutcome, { completed: 2, failed: 1, running: 1 });
  const eks = report.stacks.find((s) => s.id === 'eks');
  t.match(eks, { cascades: 3, triggered: 3, finished: 2, failed: 1 });
  t.equal(eks?.successRate, 2 / 3);
  t.ok(about(eks?.runP50 ?? undefined, 10 * MINUTE), 'eks p50: 1 + 9 min in Spacelift');
  t.equal(report.slowestStacks[0]?.id, 'rds', 'rds spends the most time in Spacelift');
  t.equal(report.mostBlocking[0]?.id, 'app', 'app (its approval) held cdn up for hours');
  t.same(
    report.stuck.cascades.map((c) => c.workflowId),
    ['cascade-vpc-RD'],
  );
  t.same(
    report.stuck.stacks.map((s) => [s.stackId, s.state, s.reason]),
    [
      ['cdn', 'waiting_for_parents', 'parents not done: app'],
      ['app', 'waiting_for_approval', 'approval: spacelift-cascade approve cascade-vpc-RD app'],
    ],
  );
  const { report: later } = await recordedReport({ stuckAfterMs: 8 * HOUR });
  t.same(later.stuck, { cascades: [], stacks: [], moreCascades: 0, moreStacks: 0 }, 'nothing is stuck under a longer --stuck-after');
});

t.test('memory does not follow the window: 5,000 cascades leave per-stack figures and the top lists only', async (t) => {
  const base = recordOf('cascade-vpc-RA');
  const builder = new ReportBuilder({ since: 0, until: at, stuckAfterMs: 6 * HOUR, top: 3, stuckLimit: 2 });
  for (let i = 0; i < 5000; i++)
    builder.add(analyzeCascade({ ...base, workflowId: `cascade-vpc-R${i}`, closedAt: (base.closedAt ?? 0) + i }, at));
  const report = builder.build();
  t.equal(report.cascades.total, 5000);
  t.equal(report.slowest.length, 3, 'only the top 3 cascades are kept');
  t.same(
    report.slowest.map((c) => c.workflowId),
    ['cascade-vpc-R4999', 'cascade-vpc-R4998', 'cascade-vpc-R4997'],
  );
  t.equal(report.stacks.find((s) => s.id === 'eks')?.triggered, 5000);
});

t.test('percentiles: exact for small samples, within 0.5 % past 512 values', async (t) => {
  const sketch = new QuantileSketch();
  t.equal(sketch.quantile(0.5), null);
  for (const ms of [10_000, 20_000, 30_000, 40_000]) sketch.add(ms);
  t.equal(sketch.quantile(0.5), 20_000);
  t.equal(sketch.quantile(0.95), 40_000);
  const big = new QuantileSketch();
  for (let i = 1; i <= 10_000; i++) big.add(i * 1000);
  t.ok(Math.abs((big.quantile(0.95) as number) / 9_500_000 - 1) < 0.005, `p95 ${big.quantile(0.95)}`);
  t.ok(Math.abs((big.quantile(0.5) as number) / 5_000_000 - 1) < 0.005, `p50 ${big.quantile(0.5)}`);
});

t.test('spans: --since and --stuck-after take a number and a unit', async (t) => {
  t.equal(parseSpan('since', '7d'), 7 * 24 * HOUR);
  t.equal(parseSpan('stuck-after', '90m'), 90 * MINUTE);
  t.throws(() => parseSpan('since', '7 days'), {
    message: "--since must be a number and a unit (s, m, h, d, w), e.g. 7d or 6h, got '7 days'",
  });
  t.throws(() => parseSpan('since', '0d'), { message: /got '0d'/ });
});
