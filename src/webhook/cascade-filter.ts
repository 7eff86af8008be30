import type { WebhookConfig } from '../config/types';
import type { RunEvent } from './run-event';

export type FilterDecision = { start: true } | { start: false; reason: string };

/**
 * Only a configured run type reaching a configured state starts a chain (by default: a TRACKED run that
 * FINISHED). Proposed runs, tasks and intermediate states are acknowledged and ignored.
 */
export function shouldStartCascade(event: RunEvent, config: Pick<WebhookConfig, 'runTypes' | 'triggerStates'>): FilterDecision {
  if (event.run.type === null || !config.runTypes.includes(event.run.type)) {
    return { start: false, reason: `run type ${String(event.run.type)} does not start a chain` };
  }
  if (!config.triggerStates.includes(event.state)) {
    return { start: false, reason: `state ${event.state} does not start a chain` };
  }
  return { start: true };
}
