// SPACELIFT_TRIGGER_RATE: a token bucket in the client holds runTrigger calls back; nothing else is limited.
// The clock and the wait are injected, so the schedule is asserted exactly; one real-time check has only a lower bound.
import t from 'tap';
import { SpaceliftClient, TokenBucket } from '../../src/spacelift/client';
import { SpaceliftTransientError } from '../../src/spacelift/errors';
import { startFakeSpacelift } from '../support/fake-spacelift';

interface Clock {
  now: () => number;
  /** Every wait asked for, in ms. */
  waits: number[];
  /** Advances the clock by the wait (sequential callers) or leaves it (callers arriving together). */
  sleep: (ms: number) => Promise<void>;
}

function fakeClock(advance: boolean): Clock {
  let at = 1_767_101_000_000;
  const waits: number[] = [];
  return {
    now: () => at,
    waits,
    sleep: async (ms) => {
      waits.push(ms);
      if (advance) at += ms;
    },
  };
}

async function setup(t: tap.Test, triggerRatePerSecond: number | undefined, clock?: Clock, maxTriggerWaitMs?: number) {
  const fake = await startFakeSpacelift({ stacks: [{ id: 'vpc' }, { id: 'eks' }] });
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    ...(triggerRatePerSecond === undefined ? {} : { triggerRatePerSecond }),
    ...(clock ? { now: clock.now, sleep: clock.sleep } : {}),
    ...(maxTriggerWaitMs === undefined ? {} : { maxTriggerWaitMs }),
  });
  t.teardown(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client };
}

t.test('a burst of up to the rate goes at once; later calls are spaced 1/rate apart', async (t) => {
  const clock = fakeClock(true);
  const { fake, client } = await setup(t, 2, clock);
  for (let i = 0; i < 5; i++) await client.triggerRun('vpc');
  t.same(clock.waits, [500, 500, 500], 'calls 3, 4 and 5 wait half a second each');
  t.equal(fake.triggerCount('vpc'), 5, 'every call still reaches Spacelift');
});

t.test('callers arriving together queue up in order', async (t) => {
  const clock = fakeClock(false);
  const { fake, client } = await setup(t, 4, clock);
  const runs = await Promise.all(['vpc', 'eks', 'vpc', 'eks', 'vpc', 'eks', 'vpc'].map((stack) => client.triggerRun(stack)));
  t.same(clock.waits, [250, 500, 750], 'the 5th, 6th and 7th reserve the next free slots');
  t.equal(new Set(runs.map((run) => run.id)).size, 7);
  t.equal(fake.triggers.length, 7);
});

t.test('the bucket refills while idle, up to its size', async (t) => {
  const clock = fakeClock(true);
  const bucket = new TokenBucket(2, clock.now, clock.sleep);
  t.same(await Promise.all([bucket.take(), bucket.take()]), [0, 0]);
  await clock.sleep(10_000);
  clock.waits.length = 0;
  t.same([await bucket.take(), await bucket.take(), await bucket.take()], [0, 0, 500], 'never more than 2 banked');
  t.same(clock.waits, [500]);
});

t.test('a fractional rate: 0.5 per second is one call every 2 s', async (t) => {
  const clock = fakeClock(true);
  const bucket = new TokenBucket(0.5, clock.now, clock.sleep);
  t.same([await bucket.take(), await bucket.take(), await bucket.take()], [0, 2000, 2000]);
});

t.test('0 or absent: unlimited; other operations are never held back', async (t) => {
  for (const rate of [0, undefined]) {
    const clock = fakeClock(true);
    const { client } = await setup(t, rate, clock);
    await Promise.all(Array.from({ length: 20 }, () => client.triggerRun('vpc')));
    t.same(clock.waits, [], `rate ${String(rate)}`);
  }
  const clock = fakeClock(false);
  const { client } = await setup(t, 1, clock);
  const run = await client.triggerRun('vpc');
  await Promise.all([client.getRun('vpc', run.id), client.listRunsSince('vpc', 0), client.listAllStacks(), client.verifyCredentials()]);
  t.same(clock.waits, [], 'reads do not spend trigger tokens');
  await client.triggerRun('vpc');
  t.same(clock.waits, [1000]);
});

t.test('a turn further away than maxTriggerWaitMs (default 15 s) fails at once, retryably, reserving nothing', async (t) => {
  const clock = fakeClock(false);
  const { fake, client } = await setup(t, 1, clock);
  const calls = Array.from({ length: 18 }, () => client.triggerRun('vpc').then(() => 'triggered', (err: unknown) => err));
  const outcomes = await Promise.all(calls);
  t.equal(outcomes.filter((o) => o === 'triggered').length, 16, 'the burst of 1 plus 15 one-second turns');
  t.same(clock.waits, Array.from({ length: 15 }, (_, i) => (i + 1) * 1000));
  const refused = outcomes.filter((o): o is SpaceliftTransientError => o instanceof SpaceliftTransientError);
  t.equal(refused.length, 2);
  t.equal(refused[0]?.retryable, true, 'Temporal retries it later');
  t.equal(refused[0]?.message, 'runTrigger (stack vpc) held back: more triggers are queued than 1 per second (SPACELIFT_TRIGGER_RATE) allows within 15000 ms');
  t.equal(fake.triggerCount('vpc'), 16, 'a refused call never reached Spacelift');

  const bucket = new TokenBucket(1, clock.now, clock.sleep);
  t.same([await bucket.take(500), await bucket.take(500), await bucket.take(1000)], [0, undefined, 1000], 'a refusal leaves the next turn free');
  const strict = await setup(t, 2, fakeClock(false), 0);
  await strict.client.triggerRun('vpc');
  await strict.client.triggerRun('vpc');
  await t.rejects(strict.client.triggerRun('vpc'), SpaceliftTransientError, 'maxTriggerWaitMs 0: never wait');
});

t.test('an invalid rate is refused at construction', async (t) => {
  for (const rate of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(
      () => new SpaceliftClient({ endpoint: 'http://127.0.0.1:1', apiKeyId: 'k', apiKeySecret: 's', triggerRatePerSecond: rate }),
      { message: `Spacelift triggerRatePerSecond must be 0 or more, got ${rate}` },
    );
  }
});

t.test('real time: 7 calls at 5 per second take at least 0.4 s (5 at once, then 2 at 0.2 s intervals)', async (t) => {
  const { fake, client } = await setup(t, 5);
  const started = Date.now();
  for (let i = 0; i < 7; i++) await client.triggerRun('vpc');
  const elapsed = Date.now() - started;
  t.ok(elapsed >= 380, `took ${elapsed} ms`);
  t.equal(fake.triggers.length, 7);
  t.ok(fake.triggers.every((trigger, i) => i === 0 || trigger.at >= (fake.triggers[i - 1]?.at ?? 0)), 'received in order');
});
