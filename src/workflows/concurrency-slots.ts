import { condition } from '@temporalio/workflow';
import { compareIds } from '../cascade/compare-ids';
import type { PlannedStack } from '../cascade/types';

/**
 * A cascade's CASCADE_MAX_IN_FLIGHT places (deterministic workflow code). Stacks ready to trigger queue for one,
 * highest `cascadePriority` first, then earlier wave, then ID in code-unit order.
 */
export class ConcurrencySlots {
  private readonly waiting: PlannedStack[] = [];
  private inFlight = 0;

  constructor(private readonly size: number) {}

  /** Resolves when `stack` holds a place; `onQueued` runs first, when it starts waiting. */
  async acquire(stack: PlannedStack, onQueued: () => void): Promise<void> {
    this.waiting.push(stack);
    this.waiting.sort((a, b) => b.settings.priority - a.settings.priority || a.wave - b.wave || compareIds(a.id, b.id));
    onQueued();
    try {
      await condition(() => this.inFlight < this.size && this.waiting[0] === stack);
    } catch (err) {
      this.waiting.splice(this.waiting.indexOf(stack), 1);
      throw err;
    }
    this.waiting.shift();
    this.inFlight += 1;
  }

  release(): void {
    this.inFlight -= 1;
  }
}
