import t from 'tap';
import { JwtCache, REFRESH_MARGIN_MS, type TokenGrant } from '../../src/spacelift/auth';

function setup(ttlSeconds = 3600) {
  let clock = 1_767_000_000_000;
  let exchanges = 0;
  const exchange = async (): Promise<TokenGrant> => {
    exchanges += 1;
    await new Promise((resolve) => setImmediate(resolve));
    return { jwt: `jwt-${exchanges}`, validUntil: Math.floor(clock / 1000) + ttlSeconds };
  };
  const cache = new JwtCache(exchange, () => clock);
  return {
    cache,
    exchanges: () => exchanges,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

t.test('one exchange serves many calls', async (t) => {
  const s = setup();
  for (let i = 0; i < 5; i++) t.equal(await s.cache.token(), 'jwt-1');
  t.equal(s.exchanges(), 1);
});

t.test('concurrent callers share one exchange', async (t) => {
  const s = setup();
  const tokens = await Promise.all(Array.from({ length: 10 }, () => s.cache.token()));
  t.same(new Set(tokens), new Set(['jwt-1']));
  t.equal(s.exchanges(), 1);
});

t.test('the token is refreshed once it is within the margin of validUntil', async (t) => {
  const s = setup(3600);
  await s.cache.token();
  s.advance(3600_000 - REFRESH_MARGIN_MS - 1);
  t.equal(await s.cache.token(), 'jwt-1', 'still fresh just before the margin');
  s.advance(1);
  t.equal(await s.cache.token(), 'jwt-2', 'refreshed at validUntil - 60 s');
  t.equal(s.exchanges(), 2);
});

t.test('invalidate drops only the token that was rejected', async (t) => {
  const s = setup();
  const old = await s.cache.token();
  s.cache.invalidate(old);
  const fresh = await s.cache.token();
  t.equal(fresh, 'jwt-2');
  s.cache.invalidate(old); // a late failure with the old token must not throw the new one away
  t.equal(await s.cache.token(), 'jwt-2');
  t.equal(s.exchanges(), 2);
});

t.test('reset drops whatever is cached', async (t) => {
  const s = setup();
  await s.cache.token();
  s.cache.reset();
  t.equal(await s.cache.token(), 'jwt-2');
});

t.test('a failed exchange is not cached: the next call tries again', async (t) => {
  let calls = 0;
  const cache = new JwtCache(async () => {
    calls += 1;
    if (calls === 1) throw new Error('boom');
    return { jwt: 'ok', validUntil: 4_000_000_000 };
  }, Date.now);
  await t.rejects(cache.token(), { message: 'boom' });
  t.equal(await cache.token(), 'ok');
});
