/**
 * Fault injection both fakes (src/fakes) take through their `intercept` option, for tests only: the queue of injected
 * faults, the answers that do not depend on the API, and latency.
 */
import { isRecord, type Answer, type Payload } from '../../src/fakes/http/wire';

/** Injected faults, first match wins; each is used up after `times` requests (default 1). */
export class FaultQueue<F extends { times?: number }> {
  private readonly faults: (F & { times: number })[] = [];

  add(fault: F): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Forgets every fault not used up yet. */
  clear(): void {
    this.faults.length = 0;
  }

  /** The first fault `matches` accepts, counting this request against its `times`. */
  takeFirst(matches: (fault: F) => boolean): F | undefined {
    const index = this.faults.findIndex(matches);
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

/** Faults of the connection rather than the API, answered alike by every fake. */
export type NetworkFaultKind = 'timeout' | 'reset' | 'malformedJson';

export function answerNetworkFault(kind: NetworkFaultKind): Answer<{ status: number; raw: string }> {
  switch (kind) {
    case 'timeout':
      return 'hang';
    case 'reset':
      return 'reset';
    case 'malformedJson':
      return { status: 200, raw: '{"data":' };
  }
}

/**
 * A copy of `payload` with a wrong type in the first field that `pointers` (JSON pointers) find: strings become 42,
 * everything else "oops". Without any of those fields the whole answer is { data: 'oops' }.
 */
export function corruptFirstField(payload: Payload, pointers: readonly string[]): Payload {
  const copy = structuredClone(payload);
  for (const pointer of pointers) {
    const keys = pointer.split('/').slice(1);
    const last = keys.pop() ?? '';
    let parent: unknown = copy;
    for (const key of keys) parent = isRecord(parent) || Array.isArray(parent) ? (parent as Payload)[key] : undefined;
    if (!isRecord(parent) || !(last in parent)) continue;
    parent[last] = typeof parent[last] === 'string' ? 42 : 'oops';
    return copy;
  }
  return { data: 'oops' };
}

/** Injected latency before every answer; a wait still pending at cancel() never ends (nor does its request). */
export class Latency {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private ms = 0) {}

  set(ms: number): void {
    this.ms = ms;
  }

  async wait(): Promise<void> {
    if (this.ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (this.timers.delete(timer), resolve()), this.ms);
      this.timers.add(timer);
    });
  }

  cancel(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
