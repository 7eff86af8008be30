import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A run-state webhook as Spacelift sends it (spacelift-api.md §4.2). */
export function runEvent(stackId: string, runId: string, triggeredBy = 'jdoe'): Buffer {
  return Buffer.from(
    JSON.stringify({
      account: 'acme',
      state: 'FINISHED',
      stateVersion: 9,
      timestamp: 1767101634,
      run: {
        id: runId,
        branch: 'main',
        createdAt: 1767101000,
        type: 'TRACKED',
        triggeredBy,
        delta: { added: 1, changed: 0, deleted: 0, resources: 3 },
      },
      stack: { id: stackId, name: stackId, description: '', labels: [] },
    }),
  );
}

/** Names from a span up to its root, e.g. ['POST', 'RunActivity:planCascade', …, 'POST /webhooks/spacelift']. */
export function ancestry(span: ReadableSpan, spans: readonly ReadableSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const names = [span.name];
  for (let parent = span.parentSpanId; parent !== undefined;) {
    const next = byId.get(parent);
    if (!next) return [...names, `<missing parent ${parent}>`];
    names.push(next.name);
    parent = next.parentSpanId;
  }
  return names;
}

export async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${what} within 15 s`);
}
