/** One-line summaries of cascade events, built in workflow code: pure, no Node imports. */
import type { NotificationStack } from './types';

/** `5 finished, 1 failed, 2 skipped`: the states present, in a fixed order. */
export function countStates(stacks: readonly NotificationStack[]): string {
  const order = ['finished', 'failed', 'skipped', 'cancelled', 'running', 'pending'];
  const counts = new Map<string, number>();
  for (const stack of stacks) counts.set(stack.state, (counts.get(stack.state) ?? 0) + 1);
  const states = [...counts.keys()].sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
  return states.length === 0 ? 'no stacks' : states.map((state) => `${counts.get(state)} ${state}`).join(', ');
}

export function endSummary(cascadeId: string, root: string, stacks: readonly NotificationStack[]): string {
  const failed = stacks.filter((stack) => stack.state === 'failed');
  const verb = failed.length > 0 ? 'failed' : 'completed';
  const which =
    failed.length > 0
      ? ` (${failed
          .slice(0, 5)
          .map((s) => `${s.id}: ${s.reason ?? 'failed'}`)
          .join('; ')}${failed.length > 5 ? '; …' : ''})`
      : '';
  return `${cascadeId} from ${root} ${verb}: ${countStates(stacks)}${which}`;
}

export function approvalSummary(cascadeId: string, stackId: string): string {
  return `${cascadeId}: stack ${stackId} waits for approval (spacelift-cascade approve ${cascadeId} ${stackId})`;
}

/** The run is not cancelled on a timeout: the summary says it may still be going, and in which state it was seen. */
export function timeoutSummary(cascadeId: string, stackId: string, runId: string | undefined, lastState?: string): string {
  const still = `it is still ${lastState ?? 'not finished'} in Spacelift and was not cancelled`;
  return `${cascadeId}: the run ${runId ?? '(unknown)'} of stack ${stackId} timed out (${still}); its dependents are skipped`;
}

function rank(order: readonly string[], state: string): number {
  const i = order.indexOf(state);
  return i === -1 ? order.length : i;
}
