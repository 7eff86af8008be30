// Groups (`group:<name>`, `dependsOn:group:<name>`) and cross-platform references (`tfc:<workspace>`) in the planner.
import t from 'tap';
import { parseGroups, resolveEdges } from '../../src/cascade/edges';
import { buildPlan } from '../../src/cascade/plan';
import type { CascadePlan } from '../../src/cascade/types';
import { nativeId, platformOf, resolveReference } from '../../src/platform/units';
import type { Stack } from '../../src/platform/types';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

const unit = (id: string, ...labels: string[]): Stack => ({ id, name: id, labels, attachedContexts: [] });
const waves = (plan: CascadePlan) => plan.stacks.map((s) => `${s.id}@${s.wave}`);
const parents = (plan: CascadePlan, id: string) => plan.stacks.find((s) => s.id === id)?.parents.map((e) => e.parent);

t.test('references resolve relative to the platform of the unit that carries them', async (t) => {
  t.equal(resolveReference('vpc', 'spacelift'), 'vpc');
  t.equal(resolveReference('vpc', 'tfc'), 'tfc:vpc', 'unqualified on a workspace: a workspace');
  t.equal(resolveReference('spacelift:vpc', 'tfc'), 'vpc');
  t.equal(resolveReference('SpaceLift:vpc', 'spacelift'), 'vpc', 'prefixes are case-insensitive');
  t.equal(resolveReference('tfc:network', 'spacelift'), 'tfc:network');
  t.equal(resolveReference('group:Edge', 'tfc'), 'group:edge', 'group names are lower-cased, as HCP Terraform tags are');
  t.equal(platformOf('tfc:network'), 'tfc');
  t.equal(platformOf('network'), 'spacelift');
  t.equal(nativeId('tfc:network'), 'network');
  t.equal(runMonitorWorkflowId('run-abc', 'tfc:network'), 'tfc-run-run-abc');
  t.equal(runMonitorWorkflowId('01JRUN', 'vpc'), 'spacelift-run-01JRUN');
  t.equal(runMonitorWorkflowId('01JRUN'), 'spacelift-run-01JRUN', 'unchanged for callers that do not say');
});

t.test('a mixed diamond: Spacelift vpc → workspace network and stack rds → stack app', async (t) => {
  const plan = buildPlan('vpc', [
    unit('vpc'),
    unit('tfc:network', 'dependson:spacelift:vpc'),
    unit('rds', 'dependsOn:vpc'),
    unit('app', 'dependsOn:rds', 'dependsOn:tfc:network'),
    unit('tfc:dns', 'dependson:network'),
  ]);
  t.same(waves(plan), ['rds@0', 'tfc:network@0', 'app@1', 'tfc:dns@1']);
  t.same(parents(plan, 'app'), ['rds', 'tfc:network']);
  t.same(parents(plan, 'tfc:dns'), ['tfc:network'], 'an unqualified tag on a workspace names a workspace');
  t.same(plan.brokenReferences, []);
});

t.test('a reference to a workspace that is not listed is a broken reference', async (t) => {
  const plan = buildPlan('vpc', [unit('vpc'), unit('app', 'dependsOn:vpc', 'dependsOn:tfc:network')]);
  t.same(plan.brokenReferences, [{ stackId: 'app', missing: 'tfc:network' }]);
  t.same(waves(plan), ['app@0']);
});

t.test('parseGroups: comma lists, case-insensitive key, lower-cased names', async (t) => {
  t.same(parseGroups(['group:edge', 'Group: Data, cache', 'dependsOn:group:x', 'grouping:no']), ['edge', 'data', 'cache']);
});

t.test('dependsOn:group waits for every member inside the cascade, and only those', async (t) => {
  const plan = buildPlan('vpc', [
    unit('vpc', 'group:network'),
    unit('subnets', 'dependsOn:vpc', 'group:network'),
    unit('tfc:dns', 'dependson:spacelift:vpc', 'group:network'),
    unit('firewall', 'group:network'), // a member the cascade from vpc does not reach
    unit('app', 'dependsOn:group:network'),
  ]);
  t.same(waves(plan), ['subnets@0', 'tfc:dns@0', 'app@1']);
  t.same(parents(plan, 'app'), ['subnets', 'tfc:dns', 'vpc'], 'firewall is outside the cascade, so it is not waited for');
  t.same(
    plan.stacks.find((s) => s.id === 'app')?.parents.map((e) => e.groups),
    [['network'], ['network'], ['network']],
  );
  t.same(plan.groups, [{ name: 'network', members: ['subnets', 'tfc:dns', 'vpc'] }]);
});

t.test('a group edge carries its condition to every member, merged with a direct edge', async (t) => {
  const { edgesOf } = resolveEdges([
    unit('a', 'group:g'),
    unit('b', 'group:g'),
    unit('c', 'dependsOn:group:g|state:FAILED', 'dependsOn:a'),
  ]);
  t.same(edgesOf.get('c'), [
    { parent: 'a', child: 'c', states: ['FINISHED', 'FAILED'], when: 'always', groups: ['g'] },
    { parent: 'b', child: 'c', states: ['FAILED'], when: 'always', groups: ['g'] },
  ]);
});

t.test('a member depending on its own group waits for the others, not for itself', async (t) => {
  const plan = buildPlan('a', [unit('a', 'group:g'), unit('b', 'group:g', 'dependsOn:a'), unit('c', 'group:g', 'dependsOn:group:g')]);
  t.same(waves(plan), ['b@0', 'c@1']);
  t.same(parents(plan, 'c'), ['a', 'b']);
  t.same(plan.cycles, []);
});

t.test('a member outside the cascade does not hold a group edge back', async (t) => {
  // b is in g but nothing from root reaches it (its own dependency on a is unrelated to the cascade's direction).
  const plan = buildPlan('root', [
    unit('root'),
    unit('a', 'dependsOn:root', 'group:g', 'dependsOn:b'),
    unit('b', 'group:g'),
    unit('c', 'dependsOn:group:g'),
  ]);
  t.same(waves(plan), ['a@0', 'c@1']);
  t.same(parents(plan, 'c'), ['a']);
});

t.test('a group edge that closes a loop is a cycle, reported and left out', async (t) => {
  const plan = buildPlan('root', [unit('root'), unit('a', 'dependsOn:root', 'group:g', 'dependsOn:b'), unit('b', 'dependsOn:group:g')]);
  t.same(plan.cycles, [['a', 'b', 'a']]);
  t.same(
    plan.excluded.map((e) => e.id),
    ['a', 'b'],
  );
  t.same(waves(plan), []);
});

t.test('a group nobody joins is a broken reference', async (t) => {
  const plan = buildPlan('vpc', [unit('vpc'), unit('app', 'dependsOn:vpc', 'dependsOn:group:ghosts')]);
  t.same(plan.brokenReferences, [{ stackId: 'app', missing: 'group:ghosts' }]);
  t.same(waves(plan), ['app@0'], 'the edges that do resolve still hold');
  t.equal(plan.groups, undefined, 'no group in the cascade: no groups key, so older plans compare equal');
});

t.test('workspace references ignore case, because HCP Terraform lower-cases tags', async (t) => {
  const plan = buildPlan('tfc:Network', [
    unit('tfc:Network'),
    unit('tfc:dns', 'dependson:network'),
    unit('app', 'dependsOn:tfc:NETWORK'),
    unit('vpc'),
    unit('db', 'dependsOn:VPC'),
  ]);
  t.same(waves(plan), ['app@0', 'tfc:dns@0']);
  t.same(parents(plan, 'tfc:dns'), ['tfc:Network']);
  t.same(plan.brokenReferences, [{ stackId: 'db', missing: 'VPC' }], 'Spacelift stack IDs stay exact');
});
