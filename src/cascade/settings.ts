/**
 * Per-stack cascade settings, read from the stack's own labels (keys are case-insensitive):
 *   cascade:approval        wait for `spacelift-cascade approve` before triggering this stack
 *   cascadeRetries:<n>      attempts for this stack's trigger, 1-10 (unset: the workflow's default)
 *   cascadeRunRetries:<n>   a run that ends FAILED is triggered again, up to n more times, 1-5 (unset: never)
 *   cascadePriority:<n>     integer; higher first among ready stacks held back by the concurrency cap (default 0)
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
export const MAX_RUN_RETRIES = 5;

/** The whole-number settings: which field each label sets, and the values it accepts. */
const NUMBERS: Readonly<Record<string, { field: 'maxAttempts' | 'runRetries' | 'priority'; range?: [number, number]; rule: string }>> = {
  cascaderetries: {
    field: 'maxAttempts',
    range: [MIN_ATTEMPTS, MAX_ATTEMPTS],
    rule: `must be a whole number of attempts from ${MIN_ATTEMPTS} to ${MAX_ATTEMPTS}`,
  },
  cascaderunretries: {
    field: 'runRetries',
    range: [1, MAX_RUN_RETRIES],
    rule: `must be a whole number of run retries from 1 to ${MAX_RUN_RETRIES}`,
  },
  cascadepriority: { field: 'priority', rule: 'must be a whole number' },
};

const LABEL = /^\s*(cascade|cascaderetries|cascaderunretries|cascadepriority)\s*:(.*)$/i;
const INTEGER = /^[+-]?\d+$/;

/** `stackId`, when given, prefixes every problem (`stack eks: label ...`), as parseEdges does. */
export function parseSettings(labels: readonly string[], stackId?: string): ParsedSettings {
  const settings: StackSettings = { requiresApproval: false, priority: 0 };
  const problems: string[] = [];
  const prefix = stackId === undefined ? '' : `stack ${stackId}: `;
  const setBy = new Map<string, string>();

  for (const label of labels) {
    const match = LABEL.exec(label);
    if (!match) continue;
    const key = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').trim();
    const report = (problem: string) => problems.push(`${prefix}label "${label}" ${problem}`);

    if (key === 'cascade') {
      if (value.toLowerCase() === 'approval') settings.requiresApproval = true;
      else report('is not a known cascade setting (expected cascade:approval)');
      continue;
    }
    const { field, range, rule } = NUMBERS[key];
    const n = readInteger(value);
    if (n === undefined || (range && (n < range[0] || n > range[1]))) {
      report(rule);
    } else if (!setBy.has(field)) {
      settings[field] = n;
      setBy.set(field, label);
    } else if (n !== settings[field]) {
      // Label order is not meaningful in Spacelift, so neither value is "the later one": keep the first, say so.
      report(`conflicts with "${setBy.get(field)}"; using ${settings[field]}`);
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
