import { WAIT_STATES, type StackState, type WaitState } from './cascade-types';
import type { OldestWait } from './sinks';

const isWaitState = (state: StackState): state is WaitState => (WAIT_STATES as readonly string[]).includes(state);

/**
 * Which stacks of a cascade wait, in which state, since when (deterministic workflow code): the input of the
 * stuck-work gauge. Workflow time never goes back, so each state's stacks are kept in the order they entered it and
 * the oldest is the first one: a move costs O(1), whatever the size of the cascade.
 */
export class WaitingStacks {
  private readonly byState = new Map<WaitState, Map<string, number>>(WAIT_STATES.map((state) => [state, new Map()]));
  private reported = '';

  /** Records a move; returns the oldest wait per state when that changed (to report), else undefined. */
  move(id: string, from: StackState | undefined, to: StackState, at: number): OldestWait[] | undefined {
    if (from !== undefined && isWaitState(from)) this.byState.get(from)?.delete(id);
    if (isWaitState(to)) this.byState.get(to)?.set(id, at);
    return this.changed();
  }

  /** Nothing waits any more (the cascade ended); returns the empty picture when that is news. */
  clear(): OldestWait[] | undefined {
    for (const stacks of this.byState.values()) stacks.clear();
    return this.changed();
  }

  oldest(): OldestWait[] {
    const oldest: OldestWait[] = [];
    for (const [state, stacks] of this.byState) {
      const first = stacks.values().next();
      if (!first.done) oldest.push({ state, since: first.value });
    }
    return oldest;
  }

  private changed(): OldestWait[] | undefined {
    const oldest = this.oldest();
    const key = oldest.map(({ state, since }) => `${state}@${since}`).join(',');
    if (key === this.reported) return undefined;
    this.reported = key;
    return oldest;
  }
}
