/**
 * Maintenance windows in which the cascade triggers nothing, all in UTC, from a config value such as
 *   CASCADE_BLACKOUTS="Sat 00:00-Mon 06:00; Fri 22:00-Fri 23:30; 2026-12-24T00:00Z/2026-12-27T00:00Z"
 * Weekly windows repeat every week (one may wrap past Sunday night); ranges are one-off absolute periods.
 * Every window is half-open: it starts at its start minute and ends just before its end minute.
 *
 * Workflow code calls nextAllowedTime, so this module is pure: the time of day is computed arithmetically
 * from epoch milliseconds (UTC has no DST), and Date is only used with an explicit argument.
 */

const VARIABLE = 'CASCADE_BLACKOUTS';
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MS_PER_MINUTE = 60_000;
const WEEK_MS = MINUTES_PER_WEEK * MS_PER_MINUTE;
/** 1970-01-05T00:00Z, the first Monday after the epoch: week positions count from it. */
const FIRST_MONDAY_MS = 4 * MINUTES_PER_DAY * MS_PER_MINUTE;

export type Blackout =
  /** Minutes since Monday 00:00 UTC, 0-10079; `end < start` means the window wraps past Sunday. */
  { kind: 'weekly'; start: number; end: number } | { kind: 'range'; startMs: number; endMs: number };

export class BlackoutError extends Error {
  /** The setting at fault, for the config layer's error reporting. */
  readonly variable = VARIABLE;
  /** The `;`-separated part that could not be parsed (the whole value for whole-list problems). */
  readonly part: string;

  constructor(message: string, part: string) {
    super(message);
    this.name = 'BlackoutError';
    this.part = part;
  }
}

const WEEKLY = /^([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})$/;
const RANGE = /^(\S+)\s*\/\s*(\S+)$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z$/i;

/** Parses the whole value; an empty value means no blackouts. Throws BlackoutError naming the bad part. */
export function parseBlackouts(text: string): Blackout[] {
  const blackouts = text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parsePart);
  if (coversWholeWeek(blackouts)) {
    throw new BlackoutError(`${VARIABLE}: the weekly windows cover the whole week, so no cascade could ever run`, text);
  }
  return blackouts;
}

/**
 * `nowMs` when it is outside every window; otherwise the earliest later instant outside all of them, following
 * windows that overlap or chain (Fri 22:00-Sat 02:00 then Sat 00:00-Mon 06:00 gives Monday 06:00).
 */
export function nextAllowedTime(nowMs: number, blackouts: readonly Blackout[]): number {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nextAllowedTime: nowMs must be a finite number, got ${nowMs}`);
  // Each step leaves at least one window occurrence behind for good. A chain of weekly occurrences spans less
  // than a week unless they cover the whole week, so this bound is only hit by lists parseBlackouts rejects.
  const ranges = blackouts.filter((b) => b.kind === 'range').length;
  const maxSteps = ranges + (ranges + 1) * (2 * (blackouts.length - ranges) + 2);
  let at = nowMs;
  for (let step = 0; step <= maxSteps; step++) {
    const leave = blackouts.reduce((latest, b) => Math.max(latest, endOfWindowAt(b, at)), at);
    if (leave === at) return at;
    at = leave;
  }
  throw new RangeError('nextAllowedTime: the blackout windows leave no time to run');
}

/** The canonical config form (parseBlackouts reads it back): `Sat 00:00-Mon 06:00`, `2026-12-24T00:00Z/…`. */
export function describeBlackout(b: Blackout): string {
  if (b.kind === 'weekly') return `${weekTime(b.start)}-${weekTime(b.end)}`;
  return `${instant(b.startMs)}/${instant(b.endMs)}`;
}

/** When `atMs` falls inside this window: the end of that occurrence. Otherwise `atMs` itself. */
function endOfWindowAt(b: Blackout, atMs: number): number {
  if (b.kind === 'range') return b.startMs <= atMs && atMs < b.endMs ? b.endMs : atMs;
  const intoWeek = (((atMs - FIRST_MONDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS;
  const weekStart = atMs - intoWeek;
  const start = b.start * MS_PER_MINUTE;
  const end = b.end * MS_PER_MINUTE;
  if (start < end) return start <= intoWeek && intoWeek < end ? weekStart + end : atMs;
  if (start > end && intoWeek >= start) return weekStart + WEEK_MS + end;
  if (start > end && intoWeek < end) return weekStart + end;
  return atMs;
}

function parsePart(part: string): Blackout {
  const fail = (reason: string): never => {
    throw new BlackoutError(`${VARIABLE}: cannot parse "${part}": ${reason}`, part);
  };
  const weekly = WEEKLY.exec(part);
  if (weekly) {
    const [, startDay = '', startHour = '', startMinute = '', endDay = '', endHour = '', endMinute = ''] = weekly;
    const start = weekMinute(startDay, startHour, startMinute, fail);
    const end = weekMinute(endDay, endHour, endMinute, fail);
    if (start === end) fail('start and end are the same time');
    return { kind: 'weekly', start, end };
  }
  const range = RANGE.exec(part);
  if (range) {
    const startMs = instantMs(range[1] ?? '', fail);
    const endMs = instantMs(range[2] ?? '', fail);
    if (startMs >= endMs) fail('start must be before end');
    return { kind: 'range', startMs, endMs };
  }
  return fail('expected "<Day> HH:MM-<Day> HH:MM" (weekly) or "<start>/<end>" like 2026-12-24T00:00Z/2026-12-27T00:00Z');
}

function weekMinute(day: string, hour: string, minute: string, fail: (reason: string) => never): number {
  const dayIndex = DAYS.findIndex((name) => name.toLowerCase() === day.toLowerCase());
  if (dayIndex === -1) fail(`unknown day "${day}" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)`);
  return dayIndex * MINUTES_PER_DAY + clockMinute(hour, minute, fail);
}

function clockMinute(hour: string, minute: string, fail: (reason: string) => never): number {
  if (Number(hour) > 23) fail('hour must be 0-23');
  if (Number(minute) > 59) fail('minute must be 0-59');
  return Number(hour) * 60 + Number(minute);
}

function instantMs(text: string, fail: (reason: string) => never): number {
  const match = INSTANT.exec(text);
  if (!match) return fail(`expected a UTC time like 2026-12-24T00:00Z, got "${text}"`);
  const [year, month, day, hour, minute, second] = match.slice(1).map((field) => Number(field ?? '0'));
  const minuteOfDay = clockMinute(String(hour), String(minute), fail);
  if (second > 59) fail('second must be 0-59');
  const ms = Date.UTC(year, month - 1, day) + (minuteOfDay * 60 + second) * 1000;
  // Date.UTC rolls 2026-02-30 over into March; reading the fields back catches that.
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    fail(`"${text.slice(0, 10)}" is not a calendar date`);
  }
  return ms;
}

/** True when the weekly windows leave no minute of the week free. */
function coversWholeWeek(blackouts: readonly Blackout[]): boolean {
  const spans: [number, number][] = [];
  for (const b of blackouts) {
    if (b.kind !== 'weekly') continue;
    if (b.start < b.end) spans.push([b.start, b.end]);
    else spans.push([b.start, MINUTES_PER_WEEK], [0, b.end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let coveredUntil = 0;
  for (const [start, end] of spans) {
    if (start > coveredUntil) return false;
    coveredUntil = Math.max(coveredUntil, end);
  }
  return coveredUntil >= MINUTES_PER_WEEK;
}

function weekTime(minuteOfWeek: number): string {
  const day = DAYS[Math.floor(minuteOfWeek / MINUTES_PER_DAY)] ?? '???';
  const minuteOfDay = minuteOfWeek % MINUTES_PER_DAY;
  return `${day} ${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

function instant(ms: number): string {
  // toISOString gives 2026-12-24T00:00:00.000Z; keep seconds and milliseconds only when they say something.
  return new Date(ms)
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/T(\d\d:\d\d):00Z$/, 'T$1Z');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
