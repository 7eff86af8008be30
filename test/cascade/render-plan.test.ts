import t from 'tap';
import { buildPlan } from '../../src/cascade/plan';
import { planToJson, renderPlan } from '../../src/cascade/render-plan';
import type { CascadePlan } from '../../src/cascade/types';
import type { Stack } from '../../src/platform/types';

const stack = (id: string, ...labels: string[]): Stack => ({ id, name: `Stack ${id}`, labels, attachedContexts: [] });

const ACCOUNT = [
  stack('vpc'),
  stack('eks', 'dependsOn:vpc', 'cascade:approval', 'cascadePriority:5'),
  stack('rds', 'depends-on:vpc|when:changed', 'cascadeRetries:2'),
  stack('app', 'dependsOn:eks, rds|state:FINISHED+FAILED', 'cascadeRunRetries:3'),
  stack('dns', 'dependsOn:app|when:changed|state:FAILED'),
  stack('cleanup', 'dependsOn:vpc|state:failed|oops'),
  stack('x', 'dependsOn:vpc,y'),
  stack('y', 'dependsOn:x'),
  stack('z', 'dependsOn:y'),
  stack('old', 'dependsOn:gone'),
];

t.test('renderPlan: exact text for a small plan', async (t) => {
  t.equal(
    renderPlan(buildPlan('vpc', ACCOUNT)),
    [
      'Cascade from vpc: 5 stacks in 3 waves',
      'Wave 1: cleanup (on FAILED), eks (approval, priority 5), rds (max 2 attempts, when changed)',
      'Wave 2: app (a failed run retried 3 times, on FINISHED+FAILED from rds)',
      'Wave 3: dns (on FAILED, when changed)',
      'Cycles:',
      '  x → y → x',
      'Not run:',
      '  x: on cycle x → y → x',
      '  y: on cycle x → y → x',
      '  z: downstream of cycle member y',
      'Broken references:',
      '  old names missing stack gone',
      'Label problems:',
      '  stack cleanup: label "dependsOn:vpc|state:failed|oops" has an unknown condition "oops"',
    ].join('\n'),
  );
});

t.test('renderPlan: empty sections are left out; counts are singular when they should be', async (t) => {
  t.equal(renderPlan(buildPlan('vpc', [stack('vpc'), stack('eks', 'dependsOn:vpc')])), 'Cascade from vpc: 1 stack in 1 wave\nWave 1: eks');
  t.equal(renderPlan(buildPlan('vpc', [stack('vpc')])), 'Cascade from vpc: 0 stacks in 0 waves');
});

t.test('renderPlan: a bare CascadePlan (no problems field) renders too', async (t) => {
  const plan: CascadePlan = {
    root: 'vpc',
    stacks: [
      {
        id: 'eks',
        name: 'EKS',
        settings: { requiresApproval: false, priority: 0 },
        parents: [
          { parent: 'vpc', child: 'eks', states: ['FINISHED'], when: 'changed' },
          { parent: 'iam', child: 'eks', states: ['FINISHED'], when: 'changed' },
        ],
        wave: 0,
      },
    ],
    cycles: [],
    excluded: [],
    brokenReferences: [],
  };
  t.equal(renderPlan(plan), 'Cascade from vpc: 1 stack in 1 wave\nWave 1: eks (when changed)', 'a marker shared by all parents names none');
});

t.test('planToJson: a stable shape with 1-based waves', async (t) => {
  const json = planToJson(buildPlan('vpc', ACCOUNT));
  t.same(json, {
    schemaVersion: 1,
    root: 'vpc',
    summary: { stacks: 5, waves: 3 },
    waves: [
      {
        wave: 1,
        stacks: [
          {
            id: 'cleanup',
            name: 'Stack cleanup',
            requiresApproval: false,
            maxAttempts: null,
            runRetries: 0,
            priority: 0,
            parents: [{ id: 'vpc', states: ['FAILED'], when: 'always' }],
          },
          {
            id: 'eks',
            name: 'Stack eks',
            requiresApproval: true,
            maxAttempts: null,
            runRetries: 0,
            priority: 5,
            parents: [{ id: 'vpc', states: ['FINISHED'], when: 'always' }],
          },
          {
            id: 'rds',
            name: 'Stack rds',
            requiresApproval: false,
            maxAttempts: 2,
            runRetries: 0,
            priority: 0,
            parents: [{ id: 'vpc', states: ['FINISHED'], when: 'changed' }],
          },
        ],
      },
      {
        wave: 2,
        stacks: [
          {
            id: 'app',
            name: 'Stack app',
            requiresApproval: false,
            maxAttempts: null,
            runRetries: 3,
            priority: 0,
            parents: [
              { id: 'eks', states: ['FINISHED'], when: 'always' },
              { id: 'rds', states: ['FINISHED', 'FAILED'], when: 'always' },
            ],
          },
        ],
      },
      {
        wave: 3,
        stacks: [
          {
            id: 'dns',
            name: 'Stack dns',
            requiresApproval: false,
            maxAttempts: null,
            runRetries: 0,
            priority: 0,
            parents: [{ id: 'app', states: ['FAILED'], when: 'changed' }],
          },
        ],
      },
    ],
    cycles: [['x', 'y', 'x']],
    excluded: [
      { id: 'x', reason: 'on cycle x → y → x' },
      { id: 'y', reason: 'on cycle x → y → x' },
      { id: 'z', reason: 'downstream of cycle member y' },
    ],
    brokenReferences: [{ stackId: 'old', missing: 'gone' }],
    groups: [],
    problems: ['stack cleanup: label "dependsOn:vpc|state:failed|oops" has an unknown condition "oops"'],
  });
  t.equal(
    JSON.stringify(Object.keys(json)),
    '["schemaVersion","root","summary","waves","cycles","excluded","brokenReferences","groups","problems"]',
    'keys in a fixed order',
  );
  t.equal(JSON.stringify(planToJson(buildPlan('vpc', [...ACCOUNT].reverse()))), JSON.stringify(json), 'input order does not leak');
});

t.test('planToJson does not share arrays with the plan', async (t) => {
  const plan = buildPlan('vpc', ACCOUNT);
  const json = planToJson(plan);
  json.cycles[0]?.push('mutated');
  json.waves[0]?.stacks[0]?.parents[0]?.states.push('mutated');
  t.same(plan.cycles, [['x', 'y', 'x']]);
  t.same(plan.stacks[0]?.parents[0]?.states, ['FAILED']);
});

t.test('groups and cross-platform units: group edges are marked, groups listed, workspaces named tfc:<name>', async (t) => {
  const plan = buildPlan('vpc', [
    { id: 'vpc', name: 'vpc', labels: ['group:network'], attachedContexts: [] },
    { id: 'tfc:dns', name: 'dns', labels: ['dependson:spacelift:vpc', 'group:network'], attachedContexts: [] },
    { id: 'app', name: 'app', labels: ['dependsOn:group:network'], attachedContexts: [] },
  ]);
  t.equal(
    renderPlan(plan),
    [
      'Cascade from vpc: 2 stacks in 2 waves',
      'Wave 1: tfc:dns',
      'Wave 2: app (via group:network)',
      'Groups:',
      '  group:network: tfc:dns, vpc',
    ].join('\n'),
  );
  const json = planToJson(plan);
  t.same(json.groups, [{ name: 'network', members: ['tfc:dns', 'vpc'] }]);
  t.same(json.waves[1]?.stacks[0]?.parents, [
    { id: 'tfc:dns', states: ['FINISHED'], when: 'always', groups: ['network'] },
    { id: 'vpc', states: ['FINISHED'], when: 'always', groups: ['network'] },
  ]);
});
