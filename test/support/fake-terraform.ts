/**
 * The fake HCP Terraform of src/fakes/terraform (the one the demo runs), plus what only tests need: injected faults
 * and latency, through its `intercept` option.
 */
import {
  startFakeTerraform as startShippedFake,
  type FakeTerraform as ShippedFake,
  type FakeTerraformOptions as ShippedOptions,
} from '../../src/fakes/terraform/server';
import { Latency } from './fake-faults';
import { FaultQueue, answerInjectedFault, type TerraformFault } from './fake-terraform-faults';

export type { TerraformFault, TerraformFaultKind } from './fake-terraform-faults';
export type {
  FakePlanCounts,
  FakeTerraformRunInfo,
  FakeWorkspaceSpec,
  RecordedTerraformRequest,
  RecordedTerraformTrigger,
  TerraformRoute,
  TerraformRunOutcome,
} from '../../src/fakes/terraform/server';

export interface FakeTerraform extends ShippedFake {
  inject(fault: TerraformFault): void;
  setLatency(ms: number): void;
}

export interface FakeTerraformOptions extends Omit<ShippedOptions, 'intercept'> {
  /** Delays every answer (after the request is recorded). */
  latencyMs?: number;
}

/** Listens on an ephemeral port of 127.0.0.1; invalid options reject. */
export async function startFakeTerraform(options: FakeTerraformOptions = {}): Promise<FakeTerraform> {
  const { latencyMs, ...shipped } = options;
  const faults = new FaultQueue();
  const latency = new Latency(latencyMs);
  const fake = await startShippedFake({
    ...shipped,
    intercept: async (request) => {
      await latency.wait();
      return answerInjectedFault(faults, request, fake.token);
    },
  });
  const close = fake.close.bind(fake);
  return Object.assign(fake, {
    inject: (fault: TerraformFault) => faults.add(fault),
    setLatency: (ms: number) => latency.set(ms),
    close: async () => {
      latency.cancel();
      await close();
    },
  });
}
