/**
 * Per-stack cascade settings, read from the stack's own labels (keys are case-insensitive):
 *   cascade:approval      wait for `spacelift-cascade approve` before triggering this stack
 *   cascadeRetries:<n>    attempts for this stack's trigger, 1-10 (unset: the workflow's default)
 *   cascadePriority:<n>   integer; higher first among ready stacks held back by the concurrency cap (default 0)
 *
 * Pure and deterministic (workflow code). A value we cannot read is ignored, so the default applies, and
 * reported in `problems`: a typo in a label must not stop the cascade.
 */
import type { StackSettings } from './types';

export interface ParsedSettings {
  settings: StackSettings;
  problems: string[];
}

export const MIN_ATTEMPTS = 1;
export const MAX_ATTEMPTS = 10;

const LABEL = /^\s*(cascade|cascaderetries|cascadepriority)\s*:(.*)$/i;
const INTEGER = /^[+-]?\d+$/;

/** `stackId`, when given, prefixes every problem (`stack eks: label ...`), as parseEdges does. */
export function parseSettings(labels: readonly string[], stackId?: string): ParsedSettings {
  const settings: StackSettings = { requiresApproval: false, priority: 0 };
  const problems: string[] = [];
  const prefix = stackId === undefined ? '' : `stack ${stackId}: `;
  let retriesFrom: string | undefined;
  let priorityFrom: string | undefined;

  for (const label of labels) {
    const match = LABEL.exec(label);
    if (!match) continue;
    const key = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').trim();
    const report = (problem: string) => problems.push(`${prefix}label "${label}" ${problem}`);

    if (key === 'cascade') {
      if (value.toLowerCase() === 'approval') settings.requiresApproval = true;
      else report('is not a known cascade setting (expected cascade:approval)');
    } else if (key === 'cascaderetries') {
      const attempts = readInteger(value);
      if (attempts === undefined || attempts < MIN_ATTEMPTS || attempts > MAX_ATTEMPTS) {
        report(`must be a whole number of attempts from ${MIN_ATTEMPTS} to ${MAX_ATTEMPTS}`);
      } else if (retriesFrom === undefined) {
        settings.maxAttempts = attempts;
        retriesFrom = label;
      } else if (attempts !== settings.maxAttempts) {
        // Label order is not meaningful in Spacelift, so neither value is "the later one": keep the first, say so.
        report(`conflicts with "${retriesFrom}"; using ${settings.maxAttempts}`);
      }
    } else {
      const priority = readInteger(value);
      if (priority === undefined) report('must be a whole number');
      else if (priorityFrom === undefined) {
        settings.priority = priority;
        priorityFrom = label;
      } else if (priority !== settings.priority) report(`conflicts with "${priorityFrom}"; using ${settings.priority}`);
    }
  }
  return { settings, problems };
}

function readInteger(value: string): number | undefined {
  if (!INTEGER.test(value)) return undefined;
  const n = Number(value);
  // -0 would print as 0 yet compare oddly in sorts; normalise it.
  return Number.isSafeInteger(n) ? n + 0 : undefined;
}
