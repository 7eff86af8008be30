import t from 'tap';
import { SpaceliftSchemaError } from '../../src/spacelift/errors';
import { validateResponse } from '../../src/spacelift/validate';

const page = (node: Record<string, unknown>) => ({
  data: { searchStacks: { edges: [{ node }], pageInfo: { endCursor: 'c1', hasNextPage: false } } },
});
const good = { id: 'vpc', name: 'VPC', labels: [], attachedContexts: [] };

t.test('a valid response comes back unchanged, extra fields allowed', async (t) => {
  const body = page({ ...good, repository: 'infra', stateSetAt: 1767100000, somethingNew: { nested: true } });
  t.equal(validateResponse('search-stacks', body, { operation: 'searchStacks' }), body);
});

t.test('the error names the operation, the JSON path and the offending value', async (t) => {
  const err = t.throws(() =>
    validateResponse<unknown>('search-stacks', page({ ...good, labels: 'oops' }), { operation: 'searchStacks', stackId: 'vpc' }),
  ) as SpaceliftSchemaError;
  t.type(err, SpaceliftSchemaError);
  t.equal(err.message, 'searchStacks response invalid at /data/searchStacks/edges/0/node/labels: must be array or null (got "oops")');
  t.equal(err.retryable, false);
  t.same(err.context, { operation: 'searchStacks', stackId: 'vpc', path: '/data/searchStacks/edges/0/node/labels' });
});

t.test('a missing field is reported at its parent without a value', async (t) => {
  const { labels: _drop, ...noLabels } = good;
  t.throws(() => validateResponse<unknown>('search-stacks', page(noLabels), { operation: 'searchStacks' }), {
    message: "searchStacks response invalid at /data/searchStacks/edges/0/node: must have required property 'labels'",
  });
});

t.test('nullable fields say "or null" and nested nullable objects point inside', async (t) => {
  t.throws(() => validateResponse<unknown>('search-stacks', page({ ...good, lockedBy: 3 }), { operation: 'x' }), {
    message: /node\/lockedBy: must be string or null \(got 3\)$/,
  });
  const run = { id: 'R', branch: 'main' };
  t.throws(() => validateResponse<unknown>('stack-run', { data: { stack: { id: 's', run } } }, { operation: 'getRun' }), {
    message: "getRun response invalid at /data/stack/run: must have required property 'state'",
  });
  t.throws(() => validateResponse<unknown>('stack-run', { data: { stack: [] } }, { operation: 'getRun' }), {
    message: 'getRun response invalid at /data/stack: must be object or null (got array of 0)',
  });
});

t.test('a non-object body is reported at the root', async (t) => {
  t.throws(() => validateResponse<unknown>('viewer', 'hello', { operation: 'viewer' }), {
    message: 'viewer response invalid at /: must be object (got "hello")',
  });
});

t.test('long values are shortened', async (t) => {
  const long = 'x'.repeat(500);
  const err = t.throws(() => validateResponse<unknown>('graphql-errors', { errors: long }, { operation: 'e' })) as Error;
  t.match(err.message, /at \/errors: must be array \(got "x{76}\.\.\.\)$/);
  t.ok(err.message.length < 150);
});

t.test('echoValues:false names the type but never the value (for responses carrying a JWT)', async (t) => {
  const body = { data: { apiKeyUser: { jwt: 12345678, validUntil: 1 } } };
  const err = t.throws(() => validateResponse<unknown>('api-key-user', body, { operation: 'apiKeyUser' }, { echoValues: false })) as Error;
  t.equal(err.message, 'apiKeyUser response invalid at /data/apiKeyUser/jwt: must be string or null (got number)');
});
