// Every Spacelift fixture must match the schema the client validates responses with, so fixtures, the fake
// server and the client cannot drift apart. Convention: the part of the file name before the first dot names
// the schema (search-stacks.page-1.json → schemas/spacelift-search-stacks.json).
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SpaceliftSchemaError } from '../src/spacelift/errors';
import type { RunDeltaNode, RunNode, SearchStacksResponse, StackNode, StackRunResponse } from '../src/spacelift/queries';
import { SCHEMA_NAMES, matchesSchema, validateResponse, type SchemaName } from '../src/spacelift/validate';
import { parseDependsOn } from '../src/spacelift/labels';
import type { AttachedContext, RunDelta } from '../src/platform/types';
import { at, deleteAt, setAt } from './support/json';
import { checkBreakages, type Breakage } from './support/schema-breakages';

const DIR = path.join(__dirname, '../fixtures/spacelift');
/** Files whose name does not follow the convention. account.json is the demo account as one searchStacks page. */
const ALIASES: Record<string, SchemaName> = { account: 'search-stacks' };

const files = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));

function schemaFor(file: string): SchemaName | undefined {
  const prefix = path.basename(file).split('.')[0] ?? '';
  return ALIASES[prefix] ?? SCHEMA_NAMES.find((name) => name === prefix);
}

t.test('every fixture names a known schema and validates against it', async (t) => {
  t.ok(files.length >= 15, `found ${files.length} fixtures`);
  for (const file of files) {
    const schema = schemaFor(file);
    if (!t.ok(schema, `${file} maps to a schema`) || !schema) continue;
    t.doesNotThrow(() => validateResponse<unknown>(schema, load(file), { operation: file }), `${file} matches ${schema}`);
  }
});

t.test('every response schema has at least one fixture', async (t) => {
  const covered = new Set(files.map(schemaFor));
  for (const name of SCHEMA_NAMES) t.ok(covered.has(name), `${name} has a fixture`);
});

t.test('the required scenarios are present', async (t) => {
  for (const f of [
    'api-key-user.ok.json',
    'api-key-user.unknown-key.json',
    'search-stacks.page-1.json',
    'search-stacks.page-2.json',
    'search-stacks.page-3.json',
    'run-trigger.ok.json',
    'stack-run.finished.json',
    'stack-runs.recent.json',
    'graphql-errors.unauthorized.json',
    'graphql-errors.not-found.json',
    'account.json',
    'stack-run.finished-with-delta.json',
    'run-cancel.ok.json',
    'run-discard.ok.json',
    'graphql-errors.run-cancel-refused.json',
    // The null variants: nothing public says these fields are non-null (schemas/spacelift-*.json).
    'run-trigger.branch-null.json',
    'run-trigger.null.json',
    'stack-run.nulls.json',
    'stack-runs.nulls.json',
    'stack-runs.runs-null.json',
    'run-cancel.null.json',
    'search-stacks.nulls.json',
    'viewer.name-null.json',
    'api-key-user.valid-until-null.json',
  ]) {
    t.ok(files.includes(f), f);
  }
});

t.test('a deliberately broken copy of each kind of fixture fails validation', async (t) => {
  const breakages: Breakage<SchemaName>[] = [
    [
      'search-stacks.page-1.json',
      'search-stacks',
      (d) => setAt(d, '/data/searchStacks/edges/0/node/labels', 'oops'),
      /at \/data\/searchStacks\/edges\/0\/node\/labels: must be array or null \(got "oops"\)/,
    ],
    [
      'search-stacks.page-1.json',
      'search-stacks',
      (d) => deleteAt(d, '/data/searchStacks/pageInfo/hasNextPage'),
      /at \/data\/searchStacks\/pageInfo: must have required property 'hasNextPage'$/,
    ],
    [
      'search-stacks.page-1.json',
      'search-stacks',
      (d) => setAt(d, '/data/searchStacks/edges/1/node/attachedContexts/0/priority', '0'),
      /edges\/1\/node\/attachedContexts\/0\/priority: must be integer or null \(got "0"\)/,
    ],
    [
      'search-stacks.page-2.json',
      'search-stacks',
      (d) => setAt(d, '/data/searchStacks/pageInfo/endCursor', 7),
      /pageInfo\/endCursor: must be string or null \(got 7\)/,
    ],
    ['run-trigger.ok.json', 'run-trigger', (d) => deleteAt(d, '/data/runTrigger/id'), /must have required property 'id'/],
    [
      'stack-run.finished.json',
      'stack-run',
      (d) => setAt(d, '/data/stack/run/state', 42),
      /at \/data\/stack\/run\/state: must be string \(got 42\)/,
    ],
    [
      'stack-runs.recent.json',
      'stack-runs',
      (d) => setAt(d, '/data/stack/runs/2/createdAt', '1766928200'),
      /runs\/2\/createdAt: must be integer/,
    ],
    ['api-key-user.ok.json', 'api-key-user', (d) => setAt(d, '/data/apiKeyUser/validUntil', 'tomorrow'), /validUntil: must be integer/],
    ['viewer.ok.json', 'viewer', (d) => setAt(d, '/data/viewer', 'me'), /at \/data\/viewer: must be object or null \(got "me"\)/],
    [
      'graphql-errors.unauthorized.json',
      'graphql-errors',
      (d) => setAt(d, '/errors/0/message', null),
      /errors\/0\/message: must be string \(got null\)/,
    ],
    [
      'stack-run.finished-with-delta.json',
      'stack-run',
      (d) => setAt(d, '/data/stack/run/delta/addCount', '2'),
      /at \/data\/stack\/run\/delta\/addCount: must be integer or null \(got "2"\)/,
    ],
    [
      'stack-run.finished-with-delta.json',
      'stack-run',
      (d) => setAt(d, '/data/stack/run/delta/deleteCount', -1),
      /delta\/deleteCount: must be >= 0 \(got -1\)/,
    ],
    [
      'stack-run.finished-with-delta.json',
      'stack-run',
      (d) => deleteAt(d, '/data/stack/run/delta/changeCount'),
      /at \/data\/stack\/run\/delta: must have required property 'changeCount'$/,
    ],
    [
      'stack-run.finished-with-delta.json',
      'stack-run',
      (d) => setAt(d, '/data/stack/run/delta', 3),
      /at \/data\/stack\/run\/delta: must be object or null \(got 3\)/,
    ],
    [
      'run-cancel.ok.json',
      'run-cancel',
      (d) => setAt(d, '/data/runCancel/state', ''),
      /runCancel\/state: must NOT have fewer than 1 characters/,
    ],
    [
      'run-discard.ok.json',
      'run-discard',
      (d) => setAt(d, '/data', { runCancel: at(d, '/data/runDiscard') }),
      /at \/data: must have required property 'runDiscard'$/,
    ],
    // What stays non-null: what the cascade cannot work without.
    [
      'run-trigger.branch-null.json',
      'run-trigger',
      (d) => setAt(d, '/data/runTrigger/state', null),
      /runTrigger\/state: must be string \(got null\)/,
    ],
    ['stack-runs.nulls.json', 'stack-runs', (d) => setAt(d, '/data/stack/runs/1/id', null), /runs\/1\/id: must be string \(got null\)/],
    [
      'search-stacks.nulls.json',
      'search-stacks',
      (d) => setAt(d, '/data/searchStacks/edges/0/node/id', null),
      /node\/id: must be string \(got null\)/,
    ],
    [
      'search-stacks.nulls.json',
      'search-stacks',
      (d) => setAt(d, '/data/searchStacks/pageInfo/hasNextPage', null),
      /hasNextPage: must be boolean \(got null\)/,
    ],
    ['viewer.name-null.json', 'viewer', (d) => setAt(d, '/data/viewer/id', null), /viewer\/id: must be string \(got null\)/],
  ];
  checkBreakages(t, breakages, {
    load,
    matches: matchesSchema,
    error: SpaceliftSchemaError,
    validate: (schema, data) => validateResponse(schema, data, { operation: 'fixture' }),
  });
});

t.test('a validated fixture parses into the TypeScript types', async (t) => {
  const page = validateResponse<SearchStacksResponse>('search-stacks', load('account.json'), { operation: 'fixture' });
  const app = page.data.searchStacks.edges.map((e) => e.node).find((s) => s.id === 'app');
  t.same(app && parseDependsOn(app.labels ?? []), ['eks', 'rds']);
  t.equal(app?.attachedContexts?.[0]?.priority, 0);
});

t.test('the search-stacks pages are the demo account, page by page', async (t) => {
  const ids = (file: string) =>
    validateResponse<SearchStacksResponse>('search-stacks', load(file), { operation: 'fixture' }).data.searchStacks.edges.map(
      (e) => e.node.id,
    );
  const paged = [1, 2, 3].flatMap((n) => ids(`search-stacks.page-${n}.json`));
  t.same(paged, ids('account.json'));
  const last = load('search-stacks.page-3.json') as SearchStacksResponse;
  t.equal(last.data.searchStacks.pageInfo.hasNextPage, false);
});

/*
 * The wire types (queries.ts) and the schemas must agree. Shape<T> makes tsc insist that each table below lists
 * every field of the type and says correctly whether it is optional and whether it may be null; the test then
 * compares the tables with the schemas (a field is nullable there when one of its anyOf branches is null).
 */
type Shape<T> = {
  [K in keyof T]-?: `${object extends Pick<T, K> ? 'optional' : 'required'} ${null extends T[K] ? 'nullable' : 'non-null'}`;
};
const STACK: Shape<StackNode> = {
  id: 'required non-null',
  name: 'required nullable',
  labels: 'required nullable',
  attachedContexts: 'optional nullable',
  state: 'optional nullable',
  isDisabled: 'optional nullable',
  lockedBy: 'optional nullable',
  branch: 'optional nullable',
};
const RUN: Shape<RunNode> = {
  id: 'required non-null',
  state: 'required non-null',
  branch: 'optional nullable',
  type: 'optional nullable',
  createdAt: 'optional nullable',
  triggeredBy: 'optional nullable',
  delta: 'optional nullable',
};
/** RunDelta's fields and the GraphQL fields the client reads them from (delta keeps its GraphQL names in the schema). */
const RUN_DELTA: Record<keyof RunDelta, keyof RunDeltaNode> = { added: 'addCount', changed: 'changeCount', deleted: 'deleteCount' };
const ATTACHED_CONTEXT: Shape<AttachedContext> = {
  contextId: 'required non-null',
  contextName: 'optional nullable',
  priority: 'optional nullable',
};

interface PropertySchema {
  type?: string;
  items?: ObjectSchema;
  anyOf?: PropertySchema[];
}
interface ObjectSchema {
  required: string[];
  properties: Record<string, PropertySchema>;
}
const schemaFile = (name: string): ObjectSchema =>
  JSON.parse(readFileSync(path.join(__dirname, `../schemas/spacelift-${name}.json`), 'utf8')) as ObjectSchema;
const isNullable = (property: PropertySchema): boolean => property.anyOf?.some((branch) => branch.type === 'null') ?? false;

t.test('the wire types and the JSON Schemas describe the same fields, required and nullable alike', async (t) => {
  const stackSchema = schemaFile('stack');
  const contextSchema = stackSchema.properties.attachedContexts?.anyOf?.find((branch) => branch.type === 'array')?.items;
  const cases: [string, Record<string, string>, ObjectSchema | undefined][] = [
    ['Stack', STACK, stackSchema],
    ['Run', RUN, schemaFile('run')],
    ['AttachedContext', ATTACHED_CONTEXT, contextSchema],
  ];
  for (const [name, shape, schema] of cases) {
    if (!t.ok(schema, `${name} schema found`) || !schema) continue;
    const required = Object.keys(shape)
      .filter((k) => shape[k]?.startsWith('required'))
      .sort();
    t.same([...schema.required].sort(), required, `${name}: required fields agree`);
    t.same(Object.keys(schema.properties).sort(), Object.keys(shape).sort(), `${name}: the same fields are described`);
    const nullable = Object.keys(shape)
      .filter((k) => shape[k]?.endsWith(' nullable'))
      .sort();
    t.same(
      Object.keys(schema.properties)
        .filter((k) => isNullable(schema.properties[k] ?? {}))
        .sort(),
      nullable,
      `${name}: nullable fields agree`,
    );
  }
});

t.test('the Run schema describes delta in GraphQL names: nullable, with the counts RunDelta is built from', async (t) => {
  const delta = (schemaFile('run').properties.delta ?? {}) as { anyOf?: ({ type: string } & Partial<ObjectSchema>)[] };
  t.same(
    delta.anyOf?.map((branch) => branch.type),
    ['null', 'object'],
  );
  const object = delta.anyOf?.find((branch) => branch.type === 'object');
  t.same([...(object?.required ?? [])].sort(), Object.values(RUN_DELTA).sort(), 'every count RunDelta needs is required');
  t.same(Object.keys(object?.properties ?? {}).sort(), [...Object.values(RUN_DELTA), 'resources'].sort());
});

t.test('a fixture with a delta carries it in GraphQL names', async (t) => {
  const body = validateResponse<StackRunResponse>('stack-run', load('stack-run.finished-with-delta.json'), { operation: 'fixture' });
  t.same(body.data.stack?.run?.delta, { addCount: 2, changeCount: 1, deleteCount: 0, resources: 14 });
});
