import t from 'tap';
import { BlackoutError, describeBlackout, nextAllowedTime, parseBlackouts, type Blackout } from '../../src/cascade/blackout';

/** Epoch ms of a UTC time written as in the config: `2026-03-07T12:00Z`. */
const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const next = (now: string, blackouts: readonly Blackout[]) => iso(nextAllowedTime(at(now), blackouts));

// 2026-03-06 is a Friday, 03-07 Saturday, 03-08 Sunday, 03-09 Monday.
t.test('the test calendar is what the comments say', async (t) => {
  t.same(
    ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'].map((d) => new Date(`${d}T00:00Z`).getUTCDay()),
    [5, 6, 0, 1],
  );
});

t.test('parses weekly windows and absolute ranges', async (t) => {
  t.same(parseBlackouts('Sat 00:00-Mon 06:00; Fri 22:00-Fri 23:30; 2026-12-24T00:00Z/2026-12-27T00:00Z'), [
    { kind: 'weekly', start: 5 * 1440, end: 6 * 60 },
    { kind: 'weekly', start: 4 * 1440 + 22 * 60, end: 4 * 1440 + 23 * 60 + 30 },
    { kind: 'range', startMs: Date.UTC(2026, 11, 24), endMs: Date.UTC(2026, 11, 27) },
  ]);
});

t.test('whitespace, empty parts, day case, one-digit hours and seconds are tolerated', async (t) => {
  t.same(parseBlackouts('  sat 0:00 - MON 6:00 ;; ; '), [{ kind: 'weekly', start: 7200, end: 360 }]);
  t.same(parseBlackouts('2026-12-24t00:00:30z / 2026-12-24T00:01Z'), [
    { kind: 'range', startMs: Date.UTC(2026, 11, 24, 0, 0, 30), endMs: Date.UTC(2026, 11, 24, 0, 1) },
  ]);
  t.same(parseBlackouts(''), []);
  t.same(parseBlackouts(' ; '), []);
});

t.test('parse errors name the part and the reason exactly', async (t) => {
  const cases: [string, string][] = [
    ['Sat 25:00-Mon 06:00', 'CASCADE_BLACKOUTS: cannot parse "Sat 25:00-Mon 06:00": hour must be 0-23'],
    ['Sat 00:00-Mon 24:00', 'CASCADE_BLACKOUTS: cannot parse "Sat 00:00-Mon 24:00": hour must be 0-23'],
    ['Sat 00:60-Mon 06:00', 'CASCADE_BLACKOUTS: cannot parse "Sat 00:60-Mon 06:00": minute must be 0-59'],
    [
      'Sa 00:00-Mon 06:00',
      'CASCADE_BLACKOUTS: cannot parse "Sa 00:00-Mon 06:00": unknown day "Sa" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)',
    ],
    [
      'Saturday 00:00-Mon 06:00',
      'CASCADE_BLACKOUTS: cannot parse "Saturday 00:00-Mon 06:00": unknown day "Saturday" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)',
    ],
    ['Mon 09:00-Mon 09:00', 'CASCADE_BLACKOUTS: cannot parse "Mon 09:00-Mon 09:00": start and end are the same time'],
    [
      'weekends',
      'CASCADE_BLACKOUTS: cannot parse "weekends": expected "<Day> HH:MM-<Day> HH:MM" (weekly) or "<start>/<end>" like 2026-12-24T00:00Z/2026-12-27T00:00Z',
    ],
    [
      'Sat 00:00',
      'CASCADE_BLACKOUTS: cannot parse "Sat 00:00": expected "<Day> HH:MM-<Day> HH:MM" (weekly) or "<start>/<end>" like 2026-12-24T00:00Z/2026-12-27T00:00Z',
    ],
    [
      '2026-12-24/2026-12-27',
      'CASCADE_BLACKOUTS: cannot parse "2026-12-24/2026-12-27": expected a UTC time like 2026-12-24T00:00Z, got "2026-12-24"',
    ],
    [
      '2026-12-24T00:00+01:00/2026-12-27T00:00Z',
      'CASCADE_BLACKOUTS: cannot parse "2026-12-24T00:00+01:00/2026-12-27T00:00Z": expected a UTC time like 2026-12-24T00:00Z, got "2026-12-24T00:00+01:00"',
    ],
    [
      '2026-02-29T00:00Z/2026-03-01T00:00Z',
      'CASCADE_BLACKOUTS: cannot parse "2026-02-29T00:00Z/2026-03-01T00:00Z": "2026-02-29" is not a calendar date',
    ],
    [
      '2026-13-01T00:00Z/2026-12-27T00:00Z',
      'CASCADE_BLACKOUTS: cannot parse "2026-13-01T00:00Z/2026-12-27T00:00Z": "2026-13-01" is not a calendar date',
    ],
    ['2026-12-24T24:00Z/2026-12-27T00:00Z', 'CASCADE_BLACKOUTS: cannot parse "2026-12-24T24:00Z/2026-12-27T00:00Z": hour must be 0-23'],
    [
      '2026-12-24T00:00:60Z/2026-12-27T00:00Z',
      'CASCADE_BLACKOUTS: cannot parse "2026-12-24T00:00:60Z/2026-12-27T00:00Z": second must be 0-59',
    ],
    [
      '2026-12-27T00:00Z/2026-12-24T00:00Z',
      'CASCADE_BLACKOUTS: cannot parse "2026-12-27T00:00Z/2026-12-24T00:00Z": start must be before end',
    ],
    [
      '2026-12-24T00:00Z/2026-12-24T00:00Z',
      'CASCADE_BLACKOUTS: cannot parse "2026-12-24T00:00Z/2026-12-24T00:00Z": start must be before end',
    ],
  ];
  for (const [part, message] of cases) {
    t.throws(() => parseBlackouts(`Fri 22:00-Fri 23:30; ${part}`), { name: 'BlackoutError', message, part }, part);
  }
  t.same(parseBlackouts('2028-02-29T00:00Z/2028-03-01T00:00Z').length, 1, '2028 is a leap year');
});

t.test('the error is a typed BlackoutError naming the setting', async (t) => {
  try {
    parseBlackouts('Sat 25:00-Mon 06:00');
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof BlackoutError);
    t.ok(err instanceof Error);
    t.equal((err as BlackoutError).variable, 'CASCADE_BLACKOUTS');
  }
});

t.test('weekly windows that cover the whole week are refused', async (t) => {
  const text = 'Mon 00:00-Thu 00:00; Wed 12:00-Mon 00:00';
  t.throws(() => parseBlackouts(text), {
    name: 'BlackoutError',
    message: 'CASCADE_BLACKOUTS: the weekly windows cover the whole week, so no cascade could ever run',
    part: text,
  });
  t.throws(() => parseBlackouts('Mon 00:00-Sun 23:59; Sun 23:59-Mon 00:00'), { name: 'BlackoutError' });
  t.equal(parseBlackouts('Mon 00:00-Sun 23:59').length, 1, 'one free minute is enough');
});

t.test('weekend window Sat 00:00-Mon 06:00', async (t) => {
  const weekend = parseBlackouts('Sat 00:00-Mon 06:00');
  t.equal(next('2026-03-07T12:00:00.000Z', weekend), '2026-03-09T06:00:00.000Z', 'Saturday noon waits for Monday 06:00');
  t.equal(next('2026-03-06T12:00:00.000Z', weekend), '2026-03-06T12:00:00.000Z', 'Friday is unchanged');
  t.equal(next('2026-03-06T23:59:59.999Z', weekend), '2026-03-06T23:59:59.999Z', 'the last instant of Friday');
  t.equal(next('2026-03-07T00:00:00.000Z', weekend), '2026-03-09T06:00:00.000Z', 'the window starts at its start');
  t.equal(next('2026-03-08T23:59:00.000Z', weekend), '2026-03-09T06:00:00.000Z', 'Sunday night');
  t.equal(next('2026-03-09T05:59:59.999Z', weekend), '2026-03-09T06:00:00.000Z');
  t.equal(next('2026-03-09T06:00:00.000Z', weekend), '2026-03-09T06:00:00.000Z', 'the window ends just before its end');
  t.equal(next('2026-03-10T12:00:00.000Z', weekend), '2026-03-10T12:00:00.000Z', 'Tuesday is unchanged');
});

t.test('a window wrapping past Sunday: Sun 22:00-Mon 02:00', async (t) => {
  const night = parseBlackouts('Sun 22:00-Mon 02:00');
  t.same(night, [{ kind: 'weekly', start: 6 * 1440 + 22 * 60, end: 120 }]);
  t.equal(next('2026-03-08T21:59:00.000Z', night), '2026-03-08T21:59:00.000Z');
  t.equal(next('2026-03-08T23:00:00.000Z', night), '2026-03-09T02:00:00.000Z', 'Sunday side');
  t.equal(next('2026-03-09T01:00:00.000Z', night), '2026-03-09T02:00:00.000Z', 'Monday side');
  t.equal(next('2026-03-09T02:00:00.000Z', night), '2026-03-09T02:00:00.000Z');
  t.equal(next('2026-03-11T23:00:00.000Z', night), '2026-03-11T23:00:00.000Z', 'Wednesday night is free');
});

t.test('chained and overlapping windows are followed to the first free instant', async (t) => {
  const chained = parseBlackouts('Fri 22:00-Sat 02:00; Sat 00:00-Mon 06:00');
  t.equal(next('2026-03-06T23:00:00.000Z', chained), '2026-03-09T06:00:00.000Z');
  t.equal(next('2026-03-06T23:00:00.000Z', [...chained].reverse()), '2026-03-09T06:00:00.000Z', 'order does not matter');
  const touching = parseBlackouts('Mon 08:00-Mon 09:00; Mon 09:00-Mon 10:00; Mon 09:30-Mon 11:00');
  t.equal(next('2026-03-09T08:15:00.000Z', touching), '2026-03-09T11:00:00.000Z');
  const nested = parseBlackouts('Tue 00:00-Thu 00:00; Tue 12:00-Tue 13:00');
  t.equal(next('2026-03-10T12:30:00.000Z', nested), '2026-03-12T00:00:00.000Z', 'a window inside a longer one');
});

t.test('absolute ranges, alone and chained with weekly windows', async (t) => {
  const christmas = parseBlackouts('2026-12-24T00:00Z/2026-12-27T00:00Z');
  t.equal(next('2026-12-23T23:59:00.000Z', christmas), '2026-12-23T23:59:00.000Z');
  t.equal(next('2026-12-25T10:00:00.000Z', christmas), '2026-12-27T00:00:00.000Z');
  t.equal(next('2027-12-25T10:00:00.000Z', christmas), '2027-12-25T10:00:00.000Z', 'a range does not repeat');
  // Dec 27 2026 is a Sunday: the range ends inside the weekend window, which ends inside a second range.
  const both = parseBlackouts('2026-12-24T00:00Z/2026-12-27T00:00Z; Sat 00:00-Mon 06:00; 2026-12-28T05:00Z/2026-12-28T07:30Z');
  t.equal(next('2026-12-25T10:00:00.000Z', both), '2026-12-28T07:30:00.000Z');
});

t.test('no windows, and instants before 1970, work', async (t) => {
  t.equal(nextAllowedTime(1_767_000_000_123, []), 1_767_000_000_123);
  const weekend = parseBlackouts('Sat 00:00-Mon 06:00');
  t.equal(next('1969-12-27T12:00:00.000Z', weekend), '1969-12-29T06:00:00.000Z', '1969-12-27 was a Saturday');
});

t.test('nextAllowedTime refuses what it cannot answer', async (t) => {
  t.throws(() => nextAllowedTime(Number.NaN, []), RangeError);
  // parseBlackouts refuses such a list; a hand-built one must still not loop forever.
  const allWeek: Blackout[] = [
    { kind: 'weekly', start: 0, end: 5000 },
    { kind: 'weekly', start: 4000, end: 0 },
  ];
  t.throws(() => nextAllowedTime(at('2026-03-09T00:00Z'), allWeek), {
    name: 'RangeError',
    message: 'nextAllowedTime: the blackout windows leave no time to run',
  });
});

t.test('describeBlackout prints the config form, which parses back to the same window', async (t) => {
  const text =
    'Sat 00:00-Mon 06:00; Fri 22:00-Fri 23:30; Sun 22:05-Mon 02:00; 2026-12-24T00:00Z/2026-12-27T00:00Z; 2026-12-24T00:00:30Z/2026-12-24T00:01Z';
  const blackouts = parseBlackouts(text);
  t.same(blackouts.map(describeBlackout), text.split('; '));
  t.same(parseBlackouts(blackouts.map(describeBlackout).join('; ')), blackouts);
});
