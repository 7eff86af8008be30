/**
 * A minimal Prometheus registry (text exposition format 0.0.4): labelled counters, gauges and fixed-bucket
 * histograms are all this service needs, so it does not pull in prom-client.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels<L extends string> = Readonly<Record<L, string>>;

interface Metric {
  render(): string[];
}

export class Counter<L extends string = never> implements Metric {
  private readonly values = new Map<string, number>();

  constructor(readonly name: string, readonly help: string, private readonly labelNames: readonly L[]) {
    // An unlabelled counter is exported as 0 from the start, so dashboards see it before the first event.
    if (labelNames.length === 0) this.values.set('', 0);
  }

  inc(labels: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`counter ${this.name} can only increase, got ${by}`);
    const key = labelText(this.labelNames, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels<L>): number {
    return this.values.get(labelText(this.labelNames, labels)) ?? 0;
  }

  render(): string[] {
    return [...header(this.name, this.help, 'counter'), ...[...this.values].map(([key, value]) => `${this.name}${key} ${value}`)];
  }
}

/** A value that goes up and down; set() replaces it, so setting the same value twice is harmless. */
export class Gauge<L extends string = never> implements Metric {
  private readonly values = new Map<string, number>();

  constructor(readonly name: string, readonly help: string, private readonly labelNames: readonly L[]) {
    if (labelNames.length === 0) this.values.set('', 0);
  }

  set(labels: Labels<L>, value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`gauge ${this.name} needs a finite value, got ${value}`);
    this.values.set(labelText(this.labelNames, labels), value);
  }

  get(labels: Labels<L>): number {
    return this.values.get(labelText(this.labelNames, labels)) ?? 0;
  }

  render(): string[] {
    return [...header(this.name, this.help, 'gauge'), ...[...this.values].map(([key, value]) => `${this.name}${key} ${value}`)];
  }
}

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> implements Metric {
  private readonly series = new Map<string, { labels: Labels<L>; data: HistogramSeries }>();
  private readonly buckets: readonly number[];

  constructor(readonly name: string, readonly help: string, private readonly labelNames: readonly L[], buckets: readonly number[]) {
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels<L>, value: number): void {
    const key = labelText(this.labelNames, labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, data: { counts: this.buckets.map(() => 0), sum: 0, count: 0 } };
      this.series.set(key, entry);
    }
    const { data } = entry;
    this.buckets.forEach((bound, i) => {
      if (value <= bound) data.counts[i] = (data.counts[i] ?? 0) + 1;
    });
    data.sum += value;
    data.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    for (const { labels, data } of this.series.values()) {
      const withLe = (le: string) => labelText([...this.labelNames, 'le'], { ...labels, le } as Labels<L | 'le'>);
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${withLe(String(bound))} ${data.counts[i]}`));
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${data.count}`);
      const plain = labelText(this.labelNames, labels);
      lines.push(`${this.name}_sum${plain} ${data.sum}`, `${this.name}_count${plain} ${data.count}`);
    }
    return lines;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.add(new Counter<L>(name, help, labelNames));
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.add(new Gauge<L>(name, help, labelNames));
  }

  histogram<L extends string = never>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): Histogram<L> {
    return this.add(new Histogram<L>(name, help, labelNames, buckets));
  }

  render(): string {
    return this.metrics.flatMap((metric) => metric.render()).join('\n') + '\n';
  }

  private add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
}

/** `{a="1",b="x\"y"}` in the declared label order, or '' without labels. */
function labelText<L extends string>(names: readonly L[], labels: Labels<L>): string {
  if (names.length === 0) return '';
  const pairs = names.map((name) => `${name}="${escapeLabelValue(String(labels[name] ?? ''))}"`);
  return `{${pairs.join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
