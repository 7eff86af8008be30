import t from 'tap';
import * as crypto from 'node:crypto';
import { signPayload, verifySignature } from '../../src/webhook/verify-signature';

const body = Buffer.from('{"account":"acme"}');

t.test('accepts the signature of any configured secret', async (t) => {
  t.equal(verifySignature(body, signPayload(body, 'a-secret'), ['a-secret']), 'valid');
  t.equal(verifySignature(body, signPayload(body, 'old-secret'), ['new-secret', 'old-secret']), 'valid');
  t.equal(
    verifySignature(body, signPayload(body, 'a-secret').toUpperCase().replace('SHA256=', 'sha256='), ['a-secret']),
    'valid',
    'hex case does not matter',
  );
  t.equal(verifySignature(body, ` ${signPayload(body, 'a-secret')} `, ['a-secret']), 'valid', 'surrounding spaces tolerated');
});

t.test('classifies bad headers', async (t) => {
  t.equal(verifySignature(body, undefined, ['s']), 'missing');
  t.equal(verifySignature(body, '', ['s']), 'missing');
  t.equal(verifySignature(body, 'sha1=' + 'a'.repeat(40), ['s']), 'malformed');
  t.equal(verifySignature(body, 'sha256=' + 'a'.repeat(63), ['s']), 'malformed', 'wrong length never reaches the comparison');
  t.equal(verifySignature(body, 'sha256=' + 'z'.repeat(64), ['s']), 'malformed');
  t.equal(verifySignature(body, ['sha256=' + 'a'.repeat(64)], ['s']), 'malformed', 'repeated header');
  t.equal(verifySignature(body, signPayload(body, 'other'), ['s']), 'mismatch');
  t.equal(verifySignature(body, signPayload(body, 's'), []), 'mismatch', 'no secrets accepts nothing');
});

t.test('signs the raw bytes: a re-serialised body does not verify', async (t) => {
  const pretty = Buffer.from('{\n  "account": "acme"\n}');
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(pretty.toString())));
  t.equal(verifySignature(pretty, signPayload(reserialised, 's'), ['s']), 'mismatch');
});

t.test('compares with timingSafeEqual on equal-length buffers, once per secret even after a match', async (t) => {
  const calls: Array<[number, number]> = [];
  const { verifySignature: verify } = t.mockRequire<typeof import('../../src/webhook/verify-signature')>(
    '../../src/webhook/verify-signature',
    {
      'node:crypto': {
        ...crypto,
        timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
          calls.push([a.byteLength, b.byteLength]);
          return crypto.timingSafeEqual(a, b);
        },
      },
    },
  );
  const secrets = ['first', 'second', 'third'];
  t.equal(verify(body, signPayload(body, 'first'), secrets), 'valid');
  t.same(calls, [
    [32, 32],
    [32, 32],
    [32, 32],
  ]);
  calls.length = 0;
  const almost = signPayload(body, 'first').slice(0, -1) + (signPayload(body, 'first').endsWith('0') ? '1' : '0');
  t.equal(verify(body, almost, secrets), 'mismatch', 'one differing nibble');
  t.equal(calls.length, 3);
});
