/**
 * The fake Spacelift of src/fakes/spacelift (the one the demo runs), plus what only tests need: injected faults and
 * latency, through its `intercept` option.
 */
import {
  startFakeSpacelift as startShippedFake,
  type FakeSpacelift as ShippedFake,
  type FakeSpaceliftOptions as ShippedOptions,
} from '../../src/fakes/spacelift/server';
import { Latency } from './fake-faults';
import { FaultQueue, answerInjectedFault, type Fault } from './fake-spacelift-faults';

export type { Fault, FaultKind } from './fake-spacelift-faults';
export type { FakeRunInfo, FakeStackSpec, RecordedRequest, RecordedTrigger, RunOutcome } from '../../src/fakes/spacelift/server';
export { loadFixtureAccount } from '../../src/fakes/spacelift/server';

export interface FakeSpacelift extends ShippedFake {
  inject(fault: Fault): void;
  /** Forgets the injected faults that are not used up yet. */
  clearFaults(): void;
  setLatency(ms: number): void;
}

export interface FakeSpaceliftOptions extends Omit<ShippedOptions, 'intercept'> {
  /** Delays every answer (after the request is recorded). */
  latencyMs?: number;
}

/** Listens on an ephemeral port of 127.0.0.1; invalid options reject. */
export async function startFakeSpacelift(options: FakeSpaceliftOptions = {}): Promise<FakeSpacelift> {
  const { latencyMs, ...shipped } = options;
  const faults = new FaultQueue();
  const latency = new Latency(latencyMs);
  const fake = await startShippedFake({
    ...shipped,
    intercept: async (request) => {
      await latency.wait();
      return answerInjectedFault(faults, request);
    },
  });
  const close = fake.close.bind(fake);
  return Object.assign(fake, {
    inject: (fault: Fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setLatency: (ms: number) => latency.set(ms),
    close: async () => {
      latency.cancel();
      await close();
    },
  });
}
