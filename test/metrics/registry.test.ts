import t from 'tap';
import { Registry } from '../../src/metrics';

t.test('counters render in exposition format 0.0.4', async (t) => {
  const registry = new Registry();
  const plain = registry.counter('jobs_total', 'Jobs done.');
  const labelled = registry.counter('hooks_total', 'Hooks by outcome.', ['outcome']);
  labelled.inc({ outcome: 'started' });
  labelled.inc({ outcome: 'started' }, 2);
  labelled.inc({ outcome: 'we"ird\\\nvalue' });
  t.equal(labelled.get({ outcome: 'started' }), 3);
  t.equal(
    registry.render(),
    [
      '# HELP jobs_total Jobs done.',
      '# TYPE jobs_total counter',
      'jobs_total 0',
      '# HELP hooks_total Hooks by outcome.',
      '# TYPE hooks_total counter',
      'hooks_total{outcome="started"} 3',
      'hooks_total{outcome="we\\"ird\\\\\\nvalue"} 1',
      '',
    ].join('\n'),
  );
  plain.inc({});
  t.match(registry.render(), /^jobs_total 1$/m);
  t.throws(() => plain.inc({}, -1), RangeError);
});

t.test('histograms: cumulative buckets, +Inf, sum and count', async (t) => {
  const registry = new Registry();
  const h = registry.histogram('latency_seconds', 'Latency.', ['op'], [1, 0.1, 0.5]);
  h.observe({ op: 'get' }, 0.05);
  h.observe({ op: 'get' }, 0.3);
  h.observe({ op: 'get' }, 7);
  t.equal(
    registry.render(),
    [
      '# HELP latency_seconds Latency.',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{op="get",le="0.1"} 1',
      'latency_seconds_bucket{op="get",le="0.5"} 2',
      'latency_seconds_bucket{op="get",le="1"} 2',
      'latency_seconds_bucket{op="get",le="+Inf"} 3',
      'latency_seconds_sum{op="get"} 7.35',
      'latency_seconds_count{op="get"} 3',
      '',
    ].join('\n'),
  );
});

t.test('gauges: set replaces the value, unlabelled ones start at 0, values must be finite', async (t) => {
  const registry = new Registry();
  const waiting = registry.gauge('approvals_waiting', 'Approvals waiting.');
  const queued = registry.gauge('queued', 'Queued by stack.', ['stack']);
  t.equal(registry.render(), ['# HELP approvals_waiting Approvals waiting.', '# TYPE approvals_waiting gauge', 'approvals_waiting 0', '# HELP queued Queued by stack.', '# TYPE queued gauge', ''].join('\n'));
  waiting.set({}, 3);
  waiting.set({}, 2);
  queued.set({ stack: 'app' }, 1);
  queued.set({ stack: 'app' }, 0);
  t.equal(waiting.get({}), 2);
  t.equal(
    registry.render(),
    [
      '# HELP approvals_waiting Approvals waiting.',
      '# TYPE approvals_waiting gauge',
      'approvals_waiting 2',
      '# HELP queued Queued by stack.',
      '# TYPE queued gauge',
      'queued{stack="app"} 0',
      '',
    ].join('\n'),
  );
  t.throws(() => waiting.set({}, Number.NaN), RangeError);
  t.equal(waiting.get({}), 2, 'a rejected value leaves the gauge as it was');
});
