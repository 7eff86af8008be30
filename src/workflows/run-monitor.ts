import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { TERMINAL_STATES } from '../cascade/types';
import { ACTIVITY_START_TO_CLOSE, TRIGGER_RETRY } from './policies';
import { runStateSignal, type RunDelta, type RunMonitorInput, type RunMonitorResult } from './cascade-types';

const { getRunState } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_START_TO_CLOSE,
  retry: TRIGGER_RETRY,
});

const isTerminal = (state: string) => (TERMINAL_STATES as readonly string[]).includes(state);

/**
 * Waits for one Spacelift run to end. Fast path: the webhook listener signals the run's terminal state
 * (this workflow's ID is derived from the run ID). Fallback: poll with doubling intervals.
 * Non-terminal and out-of-order signals are ignored; the first terminal state wins.
 */
export async function RunMonitorWorkflow(input: RunMonitorInput): Promise<RunMonitorResult> {
  let final: { state: string; delta: RunDelta | null; via: 'webhook' | 'poll' } | undefined;
  let deltaUnknown = false;
  setHandler(runStateSignal, ({ state, delta, deltaUnknown: unknown }) => {
    if (final || !isTerminal(state)) return;
    final = { state, delta: delta ?? null, via: 'webhook' };
    deltaUnknown = unknown === true;
  });

  const timedOut: RunMonitorResult = { state: 'TIMED_OUT', delta: null, via: 'timeout' };
  const deadline = Date.now() + input.timeout_ms;
  let interval = input.poll_initial_ms;
  while (!final) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return timedOut;
    if (await condition(() => final !== undefined, Math.min(interval, remaining))) break;
    if (Date.now() >= deadline) continue;
    const run = await getRunState({ stackId: input.stack_id, runId: input.run_id });
    if (!final && isTerminal(run.state)) final = { state: run.state, delta: run.delta ?? null, via: 'poll' };
    interval = Math.min(interval * 2, input.poll_max_ms);
  }
  if (final && deltaUnknown) {
    // One read, only for platforms whose webhook omits the counts: `when:changed` edges below need them.
    const run = await getRunState({ stackId: input.stack_id, runId: input.run_id });
    final = { ...final, delta: run.delta ?? null };
  }
  return final ?? timedOut;
}
