// Every HCP Terraform fixture must match the schema the client (or the webhook parser) validates with, so fixtures,
// the fake server and the client cannot drift apart. Convention, as for fixtures/spacelift: the part of the file
// name before the first dot names the schema (run-show.created.json → schemas/terraform-run-show.json);
// notification.*.json are webhook payloads (schemas/terraform-notification.json).
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TerraformSchemaError } from '../../src/terraform/errors';
import { runFromResource, stackFromWorkspace } from '../../src/terraform/mapping';
import type { RunListResponse, RunShowResponse, WorkspaceListResponse } from '../../src/terraform/types';
import {
  TERRAFORM_SCHEMA_NAMES,
  matchesTerraformSchema,
  validateTerraformResponse,
  type TerraformSchemaName,
} from '../../src/terraform/validate';
import { parseTerraformNotification } from '../../src/terraform/webhook';
import { deleteAt, setAt } from '../support/json';
import { checkBreakages, type Breakage } from '../support/schema-breakages';

const DIR = path.join(__dirname, '../../fixtures/terraform');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const prefix = (file: string) => file.split('.')[0] ?? '';
const responseFiles = files.filter((f) => prefix(f) !== 'notification');

t.test('every response fixture names a known schema and validates against it', async (t) => {
  t.ok(responseFiles.length >= 12, `found ${responseFiles.length} response fixtures`);
  for (const file of responseFiles) {
    const schema = TERRAFORM_SCHEMA_NAMES.find((name) => name === prefix(file));
    if (!t.ok(schema, `${file} maps to a schema`) || !schema) continue;
    t.doesNotThrow(() => validateTerraformResponse<unknown>(schema, load(file), { operation: file }), `${file} matches ${schema}`);
  }
});

t.test('every response schema has a fixture, and the required scenarios are present', async (t) => {
  const covered = new Set(responseFiles.map(prefix));
  for (const name of TERRAFORM_SCHEMA_NAMES) t.ok(covered.has(name), `${name} has a fixture`);
  for (const f of [
    'workspace-list.page-1.json',
    'workspace-list.page-2.json',
    'run-show.created.json',
    'run-show.applied-with-plan.json',
    'run-show.errored.json',
    'errors.401.json',
    'errors.404.json',
    'errors.429.json',
    'notification.run-completed.json',
    'notification.run-errored.json',
    'notification.verification.json',
    // username is nullable in go-tfe's v2/openapi/spec.json (users.attributes.username)
    'account-details.username-null.json',
  ]) {
    t.ok(files.includes(f), f);
  }
});

t.test('every notification fixture parses', async (t) => {
  const notifications = files.filter((f) => prefix(f) === 'notification');
  t.ok(notifications.length >= 4);
  for (const file of notifications) t.equal(parseTerraformNotification(load(file)).ok, true, file);
});

t.test('a deliberately broken copy of each kind of fixture fails validation, naming the path', async (t) => {
  const breakages: Breakage<TerraformSchemaName>[] = [
    [
      'workspace-list.page-1.json',
      'workspace-list',
      (d) => setAt(d, '/data/1/attributes/tag-names', 'dependson:network'),
      /at \/data\/1\/attributes\/tag-names: must be array \(got "dependson:network"\)/,
    ],
    [
      'workspace-list.page-1.json',
      'workspace-list',
      (d) => deleteAt(d, '/meta/pagination/next-page'),
      /at \/meta\/pagination: must have required property 'next-page'$/,
    ],
    [
      'workspace-list.page-2.json',
      'workspace-list',
      (d) => setAt(d, '/meta/pagination/next-page', '3'),
      /\/meta\/pagination\/next-page: must be integer or null \(got "3"\)/,
    ],
    [
      'workspace-list.page-1.json',
      'workspace-list',
      (d) => setAt(d, '/data/0/type', 'projects'),
      /at \/data\/0\/type: must be equal to constant "workspaces" \(got "projects"\)/,
    ],
    [
      'workspace-show.eks.json',
      'workspace-show',
      (d) => setAt(d, '/data/attributes/name', 'has space'),
      /\/data\/attributes\/name: must match pattern/,
    ],
    [
      'run-show.created.json',
      'run-show',
      (d) => deleteAt(d, '/data/attributes/status'),
      /at \/data\/attributes: must have required property 'status'$/,
    ],
    [
      'run-show.created.json',
      'run-show',
      (d) => setAt(d, '/data/attributes/created-at', 1764165730),
      /at \/data\/attributes\/created-at: must be string \(got 1764165730\)/,
    ],
    [
      'run-show.applied-with-plan.json',
      'run-show',
      (d) => setAt(d, '/included/0/attributes/resource-additions', -1),
      /at \/included\/0\/attributes\/resource-additions: must be >= 0 \(got -1\)/,
    ],
    [
      'run-show.applied-with-plan.json',
      'run-show',
      (d) => setAt(d, '/included/0/attributes/resource-changes', '1'),
      /at \/included\/0\/attributes\/resource-changes: must be integer or null \(got "1"\)/,
    ],
    [
      'run-list.recent.json',
      'run-list',
      (d) => setAt(d, '/data/1/attributes/status', 'Errored'),
      /\/data\/1\/attributes\/status: must match pattern/,
    ],
    [
      'account-details.ok.json',
      'account-details',
      (d) => deleteAt(d, '/data/attributes/username'),
      /must have required property 'username'/,
    ],
    ['errors.429.json', 'errors', (d) => setAt(d, '/errors', []), /at \/errors: must NOT have fewer than 1 items/],
  ];
  checkBreakages(t, breakages, {
    load,
    matches: matchesTerraformSchema,
    error: TerraformSchemaError,
    validate: (schema, data) => validateTerraformResponse(schema, data, { operation: 'fixture' }),
  });
});

t.test('the workspace pages map to the port’s Stacks', async (t) => {
  const page = (n: number) =>
    validateTerraformResponse<WorkspaceListResponse>('workspace-list', load(`workspace-list.page-${n}.json`), { operation: 'fixture' });
  const stacks = [...page(1).data, ...page(2).data].map(stackFromWorkspace);
  t.same(
    stacks.map((s) => s.id),
    ['network', 'eks', 'app'],
  );
  t.same(stacks[2], { id: 'app', name: 'app', labels: ['dependson:eks', 'dependson:network'], attachedContexts: [] });
  t.equal(page(1).meta.pagination['next-page'], 2);
  t.equal(page(2).meta.pagination['next-page'], null);
});

t.test('the run fixtures map to the port’s Runs', async (t) => {
  const show = (file: string) => validateTerraformResponse<RunShowResponse>('run-show', load(file), { operation: 'fixture' });
  const applied = show('run-show.applied-with-plan.json');
  t.same(runFromResource(applied.data, applied.included), {
    id: 'run-CZcmD7eagjhyX0vN',
    branch: '',
    state: 'FINISHED',
    createdAt: Date.UTC(2026, 10, 26, 14, 2, 10) / 1000,
    triggeredBy: 'spacelift-cascade',
    delta: { added: 2, changed: 1, deleted: 0 },
  });
  const created = show('run-show.created.json');
  t.match(runFromResource(created.data, created.included), { state: 'PENDING', delta: null, triggeredBy: 'spacelift-cascade' });
  const errored = show('run-show.errored.json');
  t.match(runFromResource(errored.data, errored.included), {
    state: 'FAILED',
    delta: null,
    triggeredBy: null,
    createdAt: Date.UTC(2026, 10, 25, 9, 41, 55) / 1000,
  });
  const list = validateTerraformResponse<RunListResponse>('run-list', load('run-list.recent.json'), { operation: 'fixture' });
  t.same(
    list.data.map((r) => runFromResource(r, list.included).state),
    ['FINISHED', 'FAILED'],
  );
});
