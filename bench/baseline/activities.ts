/**
 * The ORIGINAL algorithm's activities, kept only as a benchmark baseline (never shipped): every event reads the
 * whole account and keeps the stacks whose labels CONTAIN `dependsOn:<id>` (a substring test, so
 * `dependsOn:vpc-legacy` would also count as a dependent of `vpc`; the benchmark account has no such near misses,
 * so both implementations trigger the same stacks).
 */
import type { PlatformApi } from '../../src/platform/types';

export interface BaselineDependent {
  id: string;
  name: string;
}

export function createBaselineActivities(spacelift: PlatformApi) {
  return {
    async findDependentStacksBaseline(stackId: string): Promise<BaselineDependent[]> {
      const stacks = await spacelift.listAllStacks();
      return stacks
        .filter((stack) => stack.id !== stackId && stack.labels.some((label) => label.includes(`dependsOn:${stackId}`)))
        .map(({ id, name }) => ({ id, name }));
    },

    async triggerStackRunBaseline(stackId: string): Promise<{ id: string; state: string }> {
      const run = await spacelift.triggerRun(stackId);
      return { id: run.id, state: run.state };
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
