// Generated accounts of 10,000 stacks: the planner must stay correct (and linear) at that size.
import t from 'tap';
import { buildPlan } from '../../src/cascade/plan';
import type { CascadePlan } from '../../src/cascade/types';
import type { Stack } from '../../src/platform/types';
import { generateStacks } from '../support/generate-stacks';

const stack = (id: string, ...labels: string[]): Stack => ({ id, name: id, labels, attachedContexts: [] });
const id = (prefix: string, n: number) => `${prefix}-${String(n).padStart(5, '0')}`;

/** Reversed, so that the planner cannot lean on the input order. */
function latticeAccount(layers: number, width: number): Stack[] {
  const stacks = [stack('root'), stack('unrelated'), stack('lonely', 'dependsOn:unrelated')];
  for (let layer = 0; layer < layers; layer++) {
    for (let j = 0; j < width; j++) {
      const labels =
        layer === 0 ? ['dependsOn:root'] : [`dependsOn:${id(`l${layer - 1}`, j)},${id(`l${layer - 1}`, (j + 1) % width)}`, 'team:platform'];
      // A few shortcuts straight from the root must not pull a stack into an earlier wave.
      if (j === 0) labels.push('depends-on:root', 'dependsOn:unrelated');
      stacks.push(stack(id(`l${layer}`, j), ...labels));
    }
  }
  return stacks.reverse();
}

t.test('10,000 stacks in a 100×100 lattice with ~20,000 edges', async (t) => {
  const account = latticeAccount(100, 100);
  t.equal(account.length, 10_003);
  const plan = buildPlan('root', account);
  t.equal(plan.stacks.length, 10_000);
  t.same([plan.cycles, plan.excluded, plan.brokenReferences, plan.problems], [[], [], [], []]);
  const wrongWave = plan.stacks.filter((s) => s.wave !== Number(s.id.slice(1, s.id.indexOf('-'))));
  t.same(
    wrongWave.map((s) => s.id),
    [],
    'each stack runs in the wave of its layer',
  );
  t.equal(plan.stacks[0]?.id, 'l0-00000');
  t.equal(plan.stacks[9_999]?.id, 'l99-00099');
  const lastOfFirst = plan.stacks.find((s) => s.id === 'l5-00000');
  t.same(
    lastOfFirst?.parents.map((e) => e.parent),
    ['l4-00000', 'l4-00001', 'root'],
    'the shortcut is still a parent',
  );
  t.notOk(plan.stacks.some((s) => s.id === 'lonely'));
});

t.test('a chain 10,000 deep: no recursion limit', async (t) => {
  const account = [stack('root'), stack(id('c', 0), 'dependsOn:root')];
  for (let i = 1; i < 10_000; i++) account.push(stack(id('c', i), `dependsOn:${id('c', i - 1)}`));
  const plan = buildPlan('root', account.reverse());
  t.equal(plan.stacks.length, 10_000);
  t.equal(plan.stacks[9_999]?.id, 'c-09999');
  t.equal(plan.stacks[9_999]?.wave, 9_999);
});

t.test('a cycle through 10,000 stacks: reported in full, reasons abbreviated', async (t) => {
  const account = [stack('root'), stack(id('r', 0), 'dependsOn:root', `dependsOn:${id('r', 9_999)}`)];
  for (let i = 1; i < 10_000; i++) account.push(stack(id('r', i), `dependsOn:${id('r', i - 1)}`));
  account.push(stack('after', `dependsOn:${id('r', 5_000)}`), stack('fine', 'dependsOn:root'));
  const plan = buildPlan('root', account);
  t.equal(plan.cycles.length, 1);
  t.equal(plan.cycles[0]?.length, 10_001);
  t.same(plan.cycles[0]?.slice(0, 3), ['r-00000', 'r-00001', 'r-00002']);
  t.equal(plan.cycles[0]?.[10_000], 'r-00000');
  t.equal(plan.excluded.length, 10_001);
  t.same(plan.excluded[0], {
    id: 'after',
    reason: 'downstream of cycle member r-05000',
  });
  t.same(plan.excluded[1], {
    id: 'r-00000',
    reason: 'on cycle r-00000 → r-00001 → r-00002 → r-00003 → r-00004 → r-00005 → r-00006 → r-00007 → … (9992 more) → r-00000',
  });
  t.same(
    plan.stacks.map((s) => s.id),
    ['fine'],
  );
});

/** What must hold for any plan of an acyclic account. */
function invariantViolations(plan: CascadePlan): string[] {
  const waveOf = new Map(plan.stacks.map((s) => [s.id, s.wave]));
  const broken: string[] = [];
  for (const s of plan.stacks) {
    const parentWaves = s.parents.map((e) => (e.parent === plan.root ? -1 : (waveOf.get(e.parent) ?? NaN)));
    if (s.parents.length === 0) broken.push(`${s.id} has no parent`);
    if (parentWaves.some((w) => !(w < s.wave))) broken.push(`${s.id} runs before a parent`);
    if (Math.max(...parentWaves) !== s.wave - 1) broken.push(`${s.id} is not right after its latest parent`);
  }
  const order = plan.stacks.map((s) => `${String(s.wave).padStart(6, '0')} ${s.id}`);
  if (order.some((key, i) => i > 0 && order[i - 1] >= key)) broken.push('not sorted by (wave, id)');
  return broken;
}

t.test('a generated random account (the pagination tests’ generator) plans consistently', async (t) => {
  const account = generateStacks({ total: 10_000, dependentsOf: { stackId: 'vpc', count: 300 }, seed: 42 }).map((spec): Stack => ({
    id: spec.id,
    name: spec.name ?? spec.id,
    labels: spec.labels ?? [],
    attachedContexts: [],
  }));
  const plan = buildPlan('vpc', account);
  t.ok(plan.stacks.length > 300, `${plan.stacks.length} stacks downstream`);
  t.same(plan.cycles, []);
  t.same(plan.excluded, []);
  t.same(invariantViolations(plan), []);
  t.ok(
    plan.stacks.some((s) => s.wave > 0),
    'generated edges among dependents give later waves',
  );
});
