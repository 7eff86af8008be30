import type { Counter, Gauge } from 'prom-client';

/** One series' current value as prom-client reports it; 0 for a series never touched. */
export async function metricValue<L extends string>(
  metric: Counter<L> | Gauge<L>,
  labels: Partial<Record<L, string>> = {},
): Promise<number> {
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const series = values.find((v) => {
    const actual = Object.entries(v.labels);
    return actual.length === wanted.length && wanted.every(([name, value]) => String(v.labels[name as L]) === value);
  });
  return series?.value ?? 0;
}
