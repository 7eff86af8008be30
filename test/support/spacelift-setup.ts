import { SpaceliftClient } from '../../src/spacelift/client';
import type { PlatformApi } from '../../src/platform/types';
import { startFakeSpacelift, type FakeSpacelift, type FakeSpaceliftOptions, type FakeStackSpec } from './fake-spacelift';

export interface SpaceliftPair {
  fake: FakeSpacelift;
  client: SpaceliftClient;
}

/** A fake Spacelift account and a real client talking to it over HTTP. */
export async function startSpacelift(
  stacks: FakeStackSpec[],
  options: {
    now?: () => number;
    requestTimeoutMs?: number;
    discovery?: 'scan' | 'label';
    tokenTtlSeconds?: number;
  } & Pick<FakeSpaceliftOptions, 'defaultRunOutcome' | 'runsPageSize' | 'runsOrder' | 'triggeredByForm'> = {},
): Promise<SpaceliftPair> {
  const fake = await startFakeSpacelift({
    stacks,
    ...(options.now ? { now: options.now } : {}),
    ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
    ...(options.defaultRunOutcome ? { defaultRunOutcome: options.defaultRunOutcome } : {}),
    ...(options.runsPageSize ? { runsPageSize: options.runsPageSize } : {}),
    ...(options.runsOrder ? { runsOrder: options.runsOrder } : {}),
    ...(options.triggeredByForm ? { triggeredByForm: options.triggeredByForm } : {}),
  });
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    discovery: options.discovery ?? 'scan',
    ...(options.now ? { now: options.now } : {}),
  });
  return { fake, client };
}

export async function stopSpacelift({ fake, client }: SpaceliftPair): Promise<void> {
  await client.close();
  await fake.close();
}

/** Wraps a PlatformApi so a test can watch (and interfere with) each call. */
export function observe(api: PlatformApi, hooks: { beforeTrigger?: (stackId: string) => void | Promise<void> }): PlatformApi {
  return {
    ownsTrigger: (triggeredBy) => api.ownsTrigger(triggeredBy),
    listCandidateDependents: (stackId) => api.listCandidateDependents(stackId),
    listAllStacks: () => api.listAllStacks(),
    cancelRun: (stackId, runId) => api.cancelRun(stackId, runId),
    getRun: (stackId, runId) => api.getRun(stackId, runId),
    listRunsSince: (stackId, since) => api.listRunsSince(stackId, since),
    verifyCredentials: () => api.verifyCredentials(),
    triggerRun: async (stackId) => {
      await hooks.beforeTrigger?.(stackId);
      return api.triggerRun(stackId);
    },
  };
}
