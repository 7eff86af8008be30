import type { PlatformApi } from '../../src/platform/types';

/**
 * A PlatformApi that forwards to whichever client is current. Workers are created once per benchmark, but each
 * measurement gets a fresh fake account (so earlier accounts never enlarge a scan); this lets them share a worker.
 */
export class SwitchableSpacelift implements PlatformApi {
  private current: PlatformApi | undefined;

  use(target: PlatformApi): void {
    this.current = target;
  }

  private get target(): PlatformApi {
    if (!this.current) throw new Error('SwitchableSpacelift: no client selected');
    return this.current;
  }

  ownsTrigger(triggeredBy: string | null | undefined): boolean {
    return this.target.ownsTrigger(triggeredBy);
  }

  listCandidateDependents(stackId: string) {
    return this.target.listCandidateDependents(stackId);
  }

  listAllStacks() {
    return this.target.listAllStacks();
  }

  triggerRun(stackId: string) {
    return this.target.triggerRun(stackId);
  }

  getRun(stackId: string, runId: string) {
    return this.target.getRun(stackId, runId);
  }

  listRunsSince(stackId: string, since: number) {
    return this.target.listRunsSince(stackId, since);
  }

  cancelRun(stackId: string, runId: string) {
    return this.target.cancelRun(stackId, runId);
  }

  verifyCredentials() {
    return this.target.verifyCredentials();
  }
}
