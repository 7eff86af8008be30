import t from 'tap';
import { buildPlan } from '../../src/cascade/plan';
import type { CascadePlan, PlannedStack } from '../../src/cascade/types';
import type { Stack } from '../../src/platform/types';

const stack = (id: string, ...labels: string[]): Stack => ({ id, name: `Stack ${id}`, labels, attachedContexts: [] });
const waves = (plan: CascadePlan) => plan.stacks.map((s) => `${s.id}@${s.wave}`);
const parentsOf = (plan: CascadePlan, id: string) => find(plan, id).parents.map((e) => e.parent);
const find = (plan: CascadePlan, id: string): PlannedStack => {
  const found = plan.stacks.find((s) => s.id === id);
  if (!found) throw new Error(`${id} is not planned`);
  return found;
};

t.test('no dependents: an empty plan', async (t) => {
  t.same(buildPlan('vpc', [stack('vpc'), stack('other', 'dependsOn:rds')]), {
    root: 'vpc',
    stacks: [],
    cycles: [],
    excluded: [],
    brokenReferences: [{ stackId: 'other', missing: 'rds' }],
    problems: [],
  });
});

t.test('chain: vpc → eks → app', async (t) => {
  const plan = buildPlan('vpc', [stack('app', 'dependsOn:eks'), stack('eks', 'dependsOn:vpc'), stack('vpc')]);
  t.same(plan.stacks, [
    {
      id: 'eks',
      name: 'Stack eks',
      settings: { requiresApproval: false, priority: 0 },
      parents: [{ parent: 'vpc', child: 'eks', states: ['FINISHED'], when: 'always' }],
      wave: 0,
    },
    {
      id: 'app',
      name: 'Stack app',
      settings: { requiresApproval: false, priority: 0 },
      parents: [{ parent: 'eks', child: 'app', states: ['FINISHED'], when: 'always' }],
      wave: 1,
    },
  ]);
  t.same([plan.cycles, plan.excluded, plan.brokenReferences, plan.problems], [[], [], [], []]);
});

t.test('a cascade from the middle of a chain ignores what is upstream', async (t) => {
  const plan = buildPlan('eks', [stack('vpc'), stack('eks', 'dependsOn:vpc'), stack('app', 'dependsOn:eks')]);
  t.same(waves(plan), ['app@0']);
});

t.test('diamond: the join waits for both branches and runs once', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc'),
    stack('eks', 'dependsOn:vpc'),
    stack('rds', 'depends-on:vpc'),
    stack('app', 'DependsOn: rds, eks'),
  ]);
  t.same(waves(plan), ['eks@0', 'rds@0', 'app@1']);
  t.same(parentsOf(plan, 'app'), ['eks', 'rds'], 'parents sorted by ID');
});

t.test('3-level lattice: every stack runs after its longest path from the root', async (t) => {
  const plan = buildPlan('root', [
    stack('root'),
    stack('a1', 'dependsOn:root'),
    stack('a2', 'dependsOn:root'),
    stack('b1', 'dependsOn:a1'),
    stack('b2', 'dependsOn:a1,a2'),
    stack('c1', 'dependsOn:b1,b2', 'dependsOn:a2', 'dependsOn:root'), // shortcuts do not pull it earlier
    stack('c2', 'dependsOn:a2'),
    stack('d1', 'dependsOn:c1,root'),
  ]);
  t.same(waves(plan), ['a1@0', 'a2@0', 'b1@1', 'b2@1', 'c2@1', 'c1@2', 'd1@3']);
  t.same(parentsOf(plan, 'c1'), ['a2', 'b1', 'b2', 'root']);
  t.same(parentsOf(plan, 'd1'), ['c1', 'root']);
});

t.test('cycles of length 1, 2 and 5: exact paths, members excluded, the rest still planned', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc'),
    stack('ok', 'dependsOn:vpc'),
    stack('ok-child', 'dependsOn:ok'),
    // length 1
    stack('self', 'dependsOn:vpc,self'),
    // length 2
    stack('p', 'dependsOn:vpc', 'dependsOn:q'),
    stack('q', 'dependsOn:p'),
    // length 5, IDs deliberately out of order along the cycle: m1 → m4 → m2 → m5 → m3 → m1
    stack('m4', 'dependsOn:m1'),
    stack('m2', 'dependsOn:m4'),
    stack('m5', 'dependsOn:m2'),
    stack('m3', 'dependsOn:m5,vpc'),
    stack('m1', 'dependsOn:m3'),
  ]);
  t.same(plan.cycles, [
    ['m1', 'm4', 'm2', 'm5', 'm3', 'm1'],
    ['p', 'q', 'p'],
    ['self', 'self'],
  ]);
  const five = 'on cycle m1 → m4 → m2 → m5 → m3 → m1';
  t.same(plan.excluded, [
    { id: 'm1', reason: five },
    { id: 'm2', reason: five },
    { id: 'm3', reason: five },
    { id: 'm4', reason: five },
    { id: 'm5', reason: five },
    { id: 'p', reason: 'on cycle p → q → p' },
    { id: 'q', reason: 'on cycle p → q → p' },
    { id: 'self', reason: 'on cycle self → self' },
  ]);
  t.same(waves(plan), ['ok@0', 'ok-child@1']);
});

t.test('everything downstream of a cycle is excluded, naming the cycle member', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc'),
    stack('a', 'dependsOn:vpc,b'),
    stack('b', 'dependsOn:a'),
    stack('c', 'dependsOn:b'),
    stack('d', 'dependsOn:c'),
    stack('e', 'dependsOn:vpc'),
    stack('f', 'dependsOn:e,d'), // one planned parent is not enough
    stack('x', 'dependsOn:vpc,y'),
    stack('y', 'dependsOn:x'),
    stack('z', 'dependsOn:y,c'), // behind two cycles: the smallest member is named
  ]);
  t.same(plan.excluded, [
    { id: 'a', reason: 'on cycle a → b → a' },
    { id: 'b', reason: 'on cycle a → b → a' },
    { id: 'c', reason: 'downstream of cycle member b' },
    { id: 'd', reason: 'downstream of cycle member b' },
    { id: 'f', reason: 'downstream of cycle member b' },
    { id: 'x', reason: 'on cycle x → y → x' },
    { id: 'y', reason: 'on cycle x → y → x' },
    { id: 'z', reason: 'downstream of cycle member b' },
  ]);
  t.same(waves(plan), ['e@0']);
});

t.test('a tangle of cycles is one cycle entry; members off the shortest cycle get a walk through them', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc'),
    stack('a', 'dependsOn:vpc,b'),
    stack('b', 'dependsOn:a,c,d'),
    stack('c', 'dependsOn:b'),
    stack('d', 'dependsOn:c,d'), // also names itself: still the same one tangle
    stack('e', 'dependsOn:d'),
    stack('s', 'dependsOn:e,s'), // a self-loop downstream of the tangle is a cycle of its own
  ]);
  t.same(plan.cycles, [
    ['a', 'b', 'a'],
    ['s', 's'],
  ]);
  t.same(plan.excluded, [
    { id: 'a', reason: 'on cycle a → b → a' },
    { id: 'b', reason: 'on cycle a → b → a' },
    { id: 'c', reason: 'on cycle a → b → c → b → a' },
    { id: 'd', reason: 'on cycle a → b → c → d → b → a' },
    { id: 'e', reason: 'downstream of cycle member d' },
    { id: 's', reason: 'on cycle s → s' },
  ]);
});

t.test('a cycle is reported as a path that follows the edges from its smallest ID', async (t) => {
  const plan = buildPlan('r', [
    stack('r'),
    stack('k', 'dependsOn:r'),
    stack('c', 'dependsOn:k'),
    stack('b', 'dependsOn:c'),
    stack('a', 'dependsOn:b'),
    stack('k2', 'dependsOn:a'),
    stack('k', 'this duplicate ID is ignored: the first stack wins'),
  ]);
  t.same(plan.cycles, [], 'no cycle yet');
  const cyclic = buildPlan('r', [
    stack('r'),
    stack('k', 'dependsOn:r,a'),
    stack('c', 'dependsOn:k'),
    stack('b', 'dependsOn:c'),
    stack('a', 'dependsOn:b'),
  ]);
  t.same(cyclic.cycles, [['a', 'k', 'c', 'b', 'a']]);
});

t.test('the root on a cycle: the cycle is reported, the other members excluded, the root never listed', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc', 'dependsOn:eks'),
    stack('eks', 'dependsOn:vpc'),
    stack('app', 'dependsOn:eks'),
    stack('rds', 'dependsOn:vpc'),
    stack('db-user', 'dependsOn:rds,vpc'),
  ]);
  t.same(plan.cycles, [['eks', 'vpc', 'eks']]);
  t.same(plan.excluded, [
    { id: 'app', reason: 'downstream of cycle member eks' },
    { id: 'eks', reason: 'on cycle eks → vpc → eks' },
  ]);
  t.same(waves(plan), ['rds@0', 'db-user@1']);
});

t.test('the root naming itself: reported, nothing excluded', async (t) => {
  const plan = buildPlan('vpc', [stack('vpc', 'dependsOn:vpc'), stack('eks', 'dependsOn:vpc')]);
  t.same(plan.cycles, [['vpc', 'vpc']]);
  t.same(plan.excluded, []);
  t.same(waves(plan), ['eks@0']);
});

t.test('cycles not reachable from the root are none of this cascade’s business', async (t) => {
  const plan = buildPlan('vpc', [stack('vpc'), stack('eks', 'dependsOn:vpc'), stack('a', 'dependsOn:b'), stack('b', 'dependsOn:a')]);
  t.same(plan.cycles, []);
  t.same(plan.excluded, []);
});

t.test('parents outside the cascade are not waited for', async (t) => {
  const plan = buildPlan('vpc', [
    stack('org'),
    stack('vpc', 'dependsOn:org'),
    stack('unrelated-x'),
    stack('app', 'dependsOn:vpc,unrelated-x', 'dependsOn:org'),
  ]);
  t.same(waves(plan), ['app@0']);
  t.same(parentsOf(plan, 'app'), ['vpc']);
});

t.test('broken references cover the whole account, sorted; the root itself is never missing', async (t) => {
  const plan = buildPlan('vpc', [
    stack('eks', 'dependsOn:vpc,old-vpc'),
    stack('zeta', 'dependsOn:ghost'),
    stack('alpha', 'dependsOn:zz,ghost', 'dependsOn:eks'),
  ]);
  t.same(plan.brokenReferences, [
    { stackId: 'alpha', missing: 'ghost' },
    { stackId: 'alpha', missing: 'zz' },
    { stackId: 'eks', missing: 'old-vpc' },
    { stackId: 'zeta', missing: 'ghost' },
  ]);
  t.same(waves(plan), ['eks@0', 'alpha@1'], 'vpc is absent from the list, yet it is the root that just ran');
});

t.test('conditions and settings reach the planned stacks', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc'),
    stack('eks', 'dependsOn:vpc|state:FINISHED+FAILED|when:changed', 'cascade:approval', 'cascadeRetries:5', 'cascadePriority:-2'),
  ]);
  t.same(plan.stacks[0], {
    id: 'eks',
    name: 'Stack eks',
    settings: { requiresApproval: true, maxAttempts: 5, priority: -2 },
    parents: [{ parent: 'vpc', child: 'eks', states: ['FINISHED', 'FAILED'], when: 'changed' }],
    wave: 0,
  });
});

t.test("globalWhen 'changed' applies to every edge whose label does not say when:always", async (t) => {
  const account = [
    stack('vpc'),
    stack('eks', 'dependsOn:vpc'),
    stack('rds', 'dependsOn:vpc|when:always'),
    stack('app', 'dependsOn:eks|when:changed, rds'),
  ];
  const whens = (plan: CascadePlan) => plan.stacks.flatMap((s) => s.parents.map((e) => `${e.parent}→${e.child}:${e.when}`));
  t.same(whens(buildPlan('vpc', account, { globalWhen: 'changed' })), [
    'vpc→eks:changed',
    'vpc→rds:always',
    'eks→app:changed',
    'rds→app:changed',
  ]);
  t.same(whens(buildPlan('vpc', account)), ['vpc→eks:always', 'vpc→rds:always', 'eks→app:changed', 'rds→app:always']);
  t.same(whens(buildPlan('vpc', account, { globalWhen: 'always' })), whens(buildPlan('vpc', account)));
});

t.test('label problems of the stacks in the cascade are reported, sorted by stack', async (t) => {
  const plan = buildPlan('vpc', [
    stack('vpc', 'dependsOn:org|upstream-problem-is-not-ours'),
    stack('outside', 'dependsOn:org|nope'),
    stack('rds', 'dependsOn:vpc|when:later', 'cascadeRetries:99'),
    stack('eks', 'dependsOn:vpc|sometimes'),
  ]);
  t.same(plan.problems, [
    'stack eks: label "dependsOn:vpc|sometimes" has an unknown condition "sometimes"',
    'stack rds: label "dependsOn:vpc|when:later" has an unknown when "later" (expected changed or always)',
    'stack rds: label "cascadeRetries:99" must be a whole number of attempts from 1 to 10',
  ]);
  t.same(waves(plan), ['eks@0', 'rds@0'], 'the stacks still run, with the defaults');
});

t.test('the same account in any order gives the same plan', async (t) => {
  const account = [
    stack('vpc'),
    stack('a', 'dependsOn:vpc,c'),
    stack('b', 'dependsOn:a'),
    stack('c', 'dependsOn:b'),
    stack('d', 'dependsOn:vpc'),
    stack('e', 'dependsOn:d,vpc|when:changed', 'dependsOn:c'),
    stack('f', 'dependsOn:d'),
    stack('g', 'dependsOn:f,d,missing'),
  ];
  const expected = buildPlan('vpc', account);
  let seed = 7;
  for (let round = 0; round < 20; round++) {
    const shuffled = [...account];
    for (let i = shuffled.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const j = seed % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    t.same(buildPlan('vpc', shuffled), expected, `round ${round}`);
  }
});

t.test('the input is not modified', async (t) => {
  const account = Object.freeze([Object.freeze(stack('vpc')), Object.freeze(stack('eks', 'dependsOn:vpc'))]);
  const before = JSON.stringify(account);
  buildPlan('vpc', account);
  t.equal(JSON.stringify(account), before);
});
