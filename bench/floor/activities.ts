/** The floor's one activity: as long as one call to the benchmark's fake Spacelift (its latency), doing nothing. */
export function createFloorActivities(latencyMs: number) {
  return {
    async waitLikeACall(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
