/** `0s`, `45s`, `4m 12s`, `2h 05m`, `3d 04h`: two units at most, enough to compare stacks at a glance. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** `2026-01-05 10:00:03Z`: UTC, to the second. */
export function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** `--since 7d` / `--stuck-after 6h`: a number and a unit (s, m, h, d, w); throws with the option and value. */
export function parseSpan(option: string, value: string): number {
  const match = /^(\d+)(s|m|h|d|w)$/.exec(value.trim());
  const units = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 604_800_000 } as const;
  if (!match || Number(match[1]) === 0)
    throw new SpanError(`--${option} must be a number and a unit (s, m, h, d, w), e.g. 7d or 6h, got '${value}'`);
  return Number(match[1]) * units[match[2] as keyof typeof units];
}

export class SpanError extends Error {
  override readonly name = 'SpanError';
}
