/**
 * Seeded generators of hostile and odd webhook requests for test/fuzz/webhook.test.ts. Every case says what the
 * listener may do with it (`expect`), and carries a run ID from a namespace that tells the oracle whether it was
 * correctly signed: only `signed-*` run IDs may ever reach startCascade, and every `valid-*` one must.
 */
import { signPayload } from '../../src/webhook/verify-signature';
import type { Random } from '../support/prng';

export const SECRET = 'fuzz-current-secret';
export const OLD_SECRET = 'fuzz-previous-secret';
export const PATH = '/webhooks/spacelift';
export const MAX_BODY = 1024 * 1024;

/**
 * valid: a correctly signed FINISHED TRACKED event; must be answered 200 and start exactly one chain.
 * signed: correctly signed bytes of any shape; may or may not start a chain, but never a 5xx (503 in phase 2).
 * rejected: wrong signature, content type, method or path; must never reach startCascade.
 * oversized: over the body limit; 413, or the connection closed after it.
 * raw: bytes that are not HTTP; Node's parser answers 4xx or closes the connection.
 */
export type Expectation = 'valid' | 'signed' | 'rejected' | 'oversized' | 'raw';

export interface FuzzCase {
  category: string;
  expect: Expectation;
  runId?: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Write the body in pieces without Content-Length. */
  chunked?: boolean;
  /** Send these bytes on a bare TCP socket instead of an HTTP request. */
  raw?: Buffer;
}

const int = (random: Random, max: number) => Math.floor(random() * max);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)];
const bytes = (random: Random, n: number) => Buffer.from(Array.from({ length: n }, () => int(random, 256)));

function event(runId: string, random: Random): Record<string, unknown> {
  return {
    account: 'acme',
    state: 'FINISHED',
    stateVersion: int(random, 20),
    timestamp: 1767101634,
    run: {
      id: runId,
      type: 'TRACKED',
      branch: 'main',
      createdAt: 1767101000,
      triggeredBy: pick(random, ['jdoe', null, 'api::SOMEKEY']),
      delta: pick(random, [null, { added: 1, changed: 0, deleted: 2 }, { added: 0, changed: 0, deleted: 0, resources: 9 }]),
    },
    stack: { id: pick(random, ['vpc', 'eks', 'stack-with-dashes', 'ünïcödé', 'a'.repeat(200)]), name: 'x', labels: ['team:a'] },
  };
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json ; foo=bar'];

function signed(body: Buffer, random: Random, contentType = pick(random, JSON_TYPES)): Record<string, string> {
  return { 'content-type': contentType, 'x-signature-256': signPayload(body, random() < 0.8 ? SECRET : OLD_SECRET) };
}

function post(category: string, expect: Expectation, body: Buffer, headers: Record<string, string | string[]>, runId?: string): FuzzCase {
  return { category, expect, method: 'POST', path: PATH, headers, body, ...(runId ? { runId } : {}) };
}

/** Random JSON value, `depth` levels at most. */
function anyValue(random: Random, depth = 2): unknown {
  const choice = int(random, depth > 0 ? 9 : 7);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, Number.MIN_VALUE]);
    case 3:
      return '';
    case 4:
      return bytes(random, int(random, 40)).toString('latin1');
    case 5:
      return pick(random, ['FINISHED', 'TRACKED', '\u0000', '\ud800', '__proto__']);
    case 6:
      return 'x'.repeat(int(random, 5000));
    case 7:
      return Array.from({ length: int(random, 4) }, () => anyValue(random, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: int(random, 4) }, (_, i) => [`k${i}`, anyValue(random, depth - 1)]));
  }
}

/** Sets `value` at a random place of the event (top level or inside run / stack / delta). */
function mutate(payload: Record<string, unknown>, random: Random, value: unknown): void {
  const targets: [Record<string, unknown>, string[]][] = [
    [payload, ['account', 'state', 'stateVersion', 'timestamp', 'run', 'stack', 'extra']],
    [payload.run as Record<string, unknown>, ['id', 'type', 'branch', 'createdAt', 'triggeredBy', 'delta', 'extra']],
    [payload.stack as Record<string, unknown>, ['id', 'name', 'labels', 'extra']],
  ];
  const [target, keys] = pick(random, targets);
  const key = pick(random, keys);
  if (random() < 0.15) delete target[key];
  else target[key] = value;
}

function nested(depth: number, random: Random): string {
  return random() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const GENERATORS: [weight: number, make: (random: Random, n: number) => FuzzCase][] = [
  [
    12,
    (random, n) => {
      const runId = `valid-${n}`;
      const payload = event(runId, random);
      if (random() < 0.3) payload.extra = anyValue(random, 3);
      if (random() < 0.2) (payload.run as Record<string, unknown>).commit = { hash: 'abc', message: anyValue(random) };
      const body = Buffer.from(JSON.stringify(payload));
      return post('valid', 'valid', body, signed(body, random), runId);
    },
  ],
  [
    1,
    (random, n) => {
      // Deep nesting where nothing validates it: the event is still valid.
      const runId = `valid-${n}`;
      const text = JSON.stringify(event(runId, random)).replace(
        /}$/,
        `,"extra":${nested(pick(random, [1_000, 10_000, 100_000]), random)}}`,
      );
      const body = Buffer.from(text);
      return post('deep nesting in an extra field', 'valid', body, signed(body, random), runId);
    },
  ],
  [
    5,
    (random, n) => {
      const payload = event(`signed-${n}`, random);
      if (random() < 0.5) payload.state = pick(random, ['PLANNING', 'FAILED', 'APPLYING', 'UNCONFIRMED', 'STOPPED', 'Z']);
      else (payload.run as Record<string, unknown>).type = pick(random, ['PROPOSED', 'TASK', 'TESTING']);
      const body = Buffer.from(JSON.stringify(payload));
      return post('filtered state or type', 'signed', body, signed(body, random), `signed-${n}`);
    },
  ],
  [
    8,
    (random) => {
      const body = bytes(random, int(random, 2000));
      return post('random bytes, signed', 'signed', body, signed(body, random));
    },
  ],
  [
    8,
    (random, n) => {
      const text = JSON.stringify(event(`signed-${n}`, random));
      const body = Buffer.from(text.slice(0, int(random, text.length)));
      return post('truncated JSON, signed', 'signed', body, signed(body, random), `signed-${n}`);
    },
  ],
  [
    5,
    (random, n) => {
      const huge = pick(random, [
        '1e400',
        '-1e400',
        '123456789012345678901234567890',
        '1e-400',
        '-0',
        '9007199254740993',
        '1.0',
        '0.1e1',
        '-1',
      ]);
      const field = pick(random, ['"stateVersion":', '"timestamp":', '"added":', '"createdAt":']);
      const text = JSON.stringify(event(`signed-${n}`, random)).replace(new RegExp(`${field}[^,}]+`), `${field}${huge}`);
      const body = Buffer.from(text);
      return post('huge numbers', 'signed', body, signed(body, random), `signed-${n}`);
    },
  ],
  [
    1,
    (random) => {
      const body = Buffer.from(nested(pick(random, [1_000, 10_000, 100_000]), random));
      return post('deep nesting', 'signed', body, signed(body, random));
    },
  ],
  [
    10,
    (random, n) => {
      const payload = event(`signed-${n}`, random);
      mutate(payload, random, anyValue(random));
      const body = Buffer.from(JSON.stringify(payload));
      return post('wrong types', 'signed', body, signed(body, random), `signed-${n}`);
    },
  ],
  [
    4,
    (random, n) => {
      const variants = [
        '{"__proto__":{"state":"FINISHED"}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '\ufeff{}',
        '{"a":1,"a":2}',
        '"FINISHED"',
        'null',
        '[]',
        '1',
        '',
      ];
      const text =
        random() < 0.5
          ? pick(random, variants)
          : JSON.stringify(event(`signed-${n}`, random)).replace('"account":"acme"', '"account":"acme","__proto__":{"polluted":true}');
      const body = Buffer.from(text);
      return post('odd JSON documents', 'signed', body, signed(body, random), `signed-${n}`);
    },
  ],
  [
    1,
    (random, n) => {
      const body = Buffer.alloc(MAX_BODY + 1 + int(random, MAX_BODY), 'x');
      return { ...post('oversized body', 'oversized', body, signed(body, random), `forged-${n}`), chunked: random() < 0.5 };
    },
  ],
  [
    12,
    (random, n) => {
      const runId = `forged-${n}`;
      const body = Buffer.from(JSON.stringify(event(runId, random)));
      const good = signPayload(body, SECRET).slice('sha256='.length);
      const signature = pick(random, [
        undefined,
        '',
        'sha256=',
        `sha256=${good.slice(1)}`,
        `sha256=${good}0`,
        `sha1=${good}`,
        `SHA256=${good}`,
        good,
        `sha256=${'g'.repeat(64)}`,
        signPayload(body, 'wrong-secret'),
        signPayload(Buffer.concat([body, Buffer.from(' ')]), SECRET),
        signPayload(body, `${SECRET} `),
        [signPayload(body, SECRET), signPayload(body, SECRET)],
        `sha256= ${'0'.repeat(64)}`,
      ]);
      const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
      if (signature !== undefined) headers['x-signature-256'] = signature;
      return post('bad or missing signature', 'rejected', body, headers, runId);
    },
  ],
  [
    5,
    (random, n) => {
      const runId = `forged-${n}`;
      const body = Buffer.from(JSON.stringify(event(runId, random)));
      const type = pick(random, [
        'text/plain',
        'application/jsonx',
        'application/json-patch+json',
        'multipart/form-data; boundary=x',
        'json',
        '*/*',
        'application/x-www-form-urlencoded',
        ' ',
        'application/ json',
        undefined,
      ]);
      const headers: Record<string, string> = { 'x-signature-256': signPayload(body, SECRET) };
      if (type !== undefined) headers['content-type'] = type;
      return post('odd content type', 'rejected', body, headers, runId);
    },
  ],
  [
    10,
    (random, n) => {
      const runId = `forged-${n}`;
      const body = Buffer.from(JSON.stringify(event(runId, random)));
      const method = pick(random, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'POST', 'PURGE']);
      const junk = encodeURIComponent(bytes(random, int(random, 30)).toString('latin1'));
      const path = pick(random, [
        PATH,
        `${PATH}/`,
        '/WEBHOOKS/SPACELIFT',
        `/${PATH}`,
        '/healthz',
        '/readyz',
        '/metrics',
        '/',
        `/${junk}`,
        `${PATH}/..`,
        `/${'a'.repeat(int(random, 8000))}`,
        `${PATH}%00`,
        '/webhooks/spacelift%2f',
        `/${junk}?${junk}`,
        '*',
      ]);
      // POST to the webhook path itself must stay unsigned here so it is rejected: an invalid signature.
      const headers = { 'content-type': 'application/json', 'x-signature-256': signPayload(body, 'not-the-secret') };
      const withBody = !['GET', 'HEAD'].includes(method) || random() < 0.2;
      return { category: 'random method and path', expect: 'rejected', runId, method, path, headers, ...(withBody ? { body } : {}) };
    },
  ],
  [
    3,
    (random) => {
      const garbage = pick(random, [
        () => bytes(random, 1 + int(random, 300)),
        () =>
          Buffer.concat([Buffer.from('POST /webhooks/spacelift HTTP/1.1\r\n'), bytes(random, int(random, 200)), Buffer.from('\r\n\r\n')]),
        () => Buffer.from(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000 + int(random, 60_000))}\r\n\r\n`),
        () =>
          Buffer.from(
            'POST /webhooks/spacelift HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
          ),
        () => Buffer.from('POST /webhooks/spacelift HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}{'),
        () => Buffer.from(`GET / HTTP/${pick(random, ['9.9', '0.9', '1.1x', 'x'])}\r\n\r\n`),
      ])();
      return { category: 'not HTTP', expect: 'raw', method: 'RAW', path: '', headers: {}, raw: garbage };
    },
  ],
];

const TOTAL_WEIGHT = GENERATORS.reduce((sum, [weight]) => sum + weight, 0);

/** The n-th case of a run: which generator, and what it makes, depend only on the PRNG. */
export function generateCase(random: Random, n: number): FuzzCase {
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, make] of GENERATORS) {
    roll -= weight;
    if (roll < 0) return make(random, n);
  }
  return GENERATORS[0][1](random, n);
}
