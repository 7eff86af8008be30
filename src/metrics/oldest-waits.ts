import { WAIT_STATES, type WaitState } from '../workflows/cascade-types';
import type { OldestWait } from '../workflows/sinks';

/**
 * The stuck-work book: per cascade (workflow ID), when its oldest stack entered each wait state, as the workflows
 * report it through their sink. Ages are computed at scrape time, so the gauge grows while nothing happens.
 */
export class OldestWaits {
  private readonly byCascade = new Map<string, OldestWait[]>();

  /** Replaces the cascade's picture; an empty one forgets the cascade. */
  set(workflowId: string, oldest: readonly OldestWait[]): void {
    if (oldest.length === 0) this.byCascade.delete(workflowId);
    else this.byCascade.set(workflowId, [...oldest]);
  }

  /** Seconds the oldest stack in each state has waited at `now` (epoch ms), 0 when none waits in it. */
  ages(now: number): Record<WaitState, number> {
    const since = new Map<WaitState, number>();
    for (const oldest of this.byCascade.values()) {
      for (const wait of oldest) since.set(wait.state, Math.min(since.get(wait.state) ?? Infinity, wait.since));
    }
    const ages = {} as Record<WaitState, number>;
    for (const state of WAIT_STATES) {
      const first = since.get(state);
      ages[state] = first === undefined ? 0 : Math.max(0, (now - first) / 1000);
    }
    return ages;
  }
}
