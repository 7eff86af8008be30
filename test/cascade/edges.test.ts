import t from 'tap';
import { parseEdges } from '../../src/cascade/edges';
import { TERMINAL_STATES } from '../../src/cascade/types';
import { parseDependsOn } from '../../src/spacelift/labels';
import type { Stack } from '../../src/platform/types';

const stack = (id: string, ...labels: string[]): Stack => ({ id, name: id, labels, attachedContexts: [] });
const edge = (parent: string, states: string[] = ['FINISHED'], when: 'always' | 'changed' = 'always') => ({
  parent,
  child: 'eks',
  states,
  when,
});

t.test('a plain label gives the defaults: on FINISHED, always', async (t) => {
  t.same(parseEdges(stack('eks', 'dependsOn:vpc')), { edges: [edge('vpc')], problems: [] });
  t.same(parseEdges(stack('eks', 'depends-on:vpc')), { edges: [edge('vpc')], problems: [] });
});

t.test('the key is case-insensitive and whitespace-tolerant; IDs are case-sensitive', async (t) => {
  for (const label of ['DependsOn:vpc', 'DEPENDS-ON:vpc', ' dependson : vpc ', 'Depends-On:  vpc']) {
    t.same(parseEdges(stack('eks', label)).edges, [edge('vpc')], label);
  }
  t.same(parseEdges(stack('eks', 'dependsOn:VPC', 'dependsOn:vpc')).edges, [edge('VPC'), edge('vpc')]);
});

t.test('|state: sets the firing states, upper-cased, several joined with +', async (t) => {
  t.same(parseEdges(stack('eks', 'depends-on:vpc|state:FAILED')).edges, [edge('vpc', ['FAILED'])]);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|state:failed')).edges, [edge('vpc', ['FAILED'])]);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc | State: failed + Finished ')).edges, [edge('vpc', ['FINISHED', 'FAILED'])]);
  t.same(
    parseEdges(stack('eks', `dependsOn:vpc|state:${[...TERMINAL_STATES].reverse().join('+')}`)).edges,
    [edge('vpc', [...TERMINAL_STATES])],
    'every terminal state is accepted, listed in TERMINAL_STATES order',
  );
});

t.test('|when: is changed or always, case-insensitive', async (t) => {
  t.same(parseEdges(stack('eks', 'depends-on:vpc|when:changed')).edges, [edge('vpc', ['FINISHED'], 'changed')]);
  t.same(parseEdges(stack('eks', 'depends-on:vpc|WHEN:Changed')).edges, [edge('vpc', ['FINISHED'], 'changed')]);
  t.same(parseEdges(stack('eks', 'depends-on:vpc|when:always')).edges, [edge('vpc')]);
});

t.test('both modifiers, in either order', async (t) => {
  const expected = [edge('vpc', ['FAILED'], 'changed')];
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|state:FAILED|when:changed')).edges, expected);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|when:changed|state:FAILED')).edges, expected);
});

t.test('comma lists: each item has its own condition', async (t) => {
  t.same(parseEdges(stack('eks', 'DependsOn: a|state:FINISHED+FAILED, b')), {
    edges: [edge('a', ['FINISHED', 'FAILED']), edge('b')],
    problems: [],
  });
  t.same(parseEdges(stack('eks', 'dependsOn:a|when:changed,,b|state:STOPPED,')).edges, [
    edge('a', ['FINISHED'], 'changed'),
    edge('b', ['STOPPED']),
  ]);
});

t.test('a parent named twice: one edge, states united, always beats changed', async (t) => {
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|state:FAILED', 'depends-on:vpc|when:changed')).edges, [
    edge('vpc', ['FINISHED', 'FAILED'], 'always'),
  ]);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|when:changed|state:FAILED', 'dependsOn:rds, vpc|when:changed')).edges, [
    edge('vpc', ['FINISHED', 'FAILED'], 'changed'),
    edge('rds'),
  ]);
  t.same(
    parseEdges(stack('eks', 'dependsOn:vpc|state:FAILED|state:STOPPED|when:changed|when:always')).edges,
    [edge('vpc', ['FAILED', 'STOPPED'], 'always')],
    'repeated modifiers inside one item merge the same way',
  );
  t.same(parseEdges(stack('eks', 'dependsOn:vpc', 'dependsOn:vpc')).edges, [edge('vpc')]);
});

t.test('defaultWhen changes only edges whose label does not say', async (t) => {
  const opts = { defaultWhen: 'changed' as const };
  t.same(parseEdges(stack('eks', 'dependsOn:vpc'), opts).edges, [edge('vpc', ['FINISHED'], 'changed')]);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|when:always'), opts).edges, [edge('vpc')]);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc', 'dependsOn:vpc|when:always'), opts).edges, [edge('vpc')]);
});

t.test('unreadable conditions are reported, and the edge is kept with the defaults', async (t) => {
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|sometimes')), {
    edges: [edge('vpc')],
    problems: ['stack eks: label "dependsOn:vpc|sometimes" has an unknown condition "sometimes"'],
  });
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|color:red')).problems, [
    'stack eks: label "dependsOn:vpc|color:red" has an unknown condition "color:red"',
  ]);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|when:sometimes')), {
    edges: [edge('vpc')],
    problems: ['stack eks: label "dependsOn:vpc|when:sometimes" has an unknown when "sometimes" (expected changed or always)'],
  });
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|')).problems, ['stack eks: label "dependsOn:vpc|" has an empty condition']);
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|state:')), {
    edges: [edge('vpc')],
    problems: ['stack eks: label "dependsOn:vpc|state:" has an empty state list'],
  });
  t.same(parseEdges(stack('eks', 'dependsOn:|state:FAILED')), {
    edges: [],
    problems: ['stack eks: label "dependsOn:|state:FAILED" has a condition but no stack ID before it'],
  });
});

t.test('unknown run states are dropped and reported; the known ones stay', async (t) => {
  const expected = 'expected FINISHED, FAILED, DISCARDED, STOPPED, CANCELED, SKIPPED';
  t.same(parseEdges(stack('eks', 'dependsOn:vpc|state:FAILED+FAILD')), {
    edges: [edge('vpc', ['FAILED'])],
    problems: [`stack eks: label "dependsOn:vpc|state:FAILED+FAILD" names an unknown run state "FAILD" (${expected})`],
  });
  t.same(
    parseEdges(stack('eks', 'dependsOn:vpc|state:unconfirmed')),
    {
      edges: [edge('vpc')],
      problems: [`stack eks: label "dependsOn:vpc|state:unconfirmed" names an unknown run state "UNCONFIRMED" (${expected})`],
    },
    'a non-terminal state never ends a run, so it cannot fire an edge',
  );
});

t.test('one bad item does not affect the others', async (t) => {
  const parsed = parseEdges(stack('eks', 'dependsOn:a|nope, b|state:FAILED', 'team:platform', 'dependsOn:c|when:never'));
  t.same(parsed.edges, [edge('a'), edge('b', ['FAILED']), edge('c')]);
  t.equal(parsed.problems.length, 2);
});

t.test('a stack naming itself keeps the edge (the planner reports it as a cycle)', async (t) => {
  t.same(parseEdges(stack('eks', 'dependsOn:eks')).edges, [edge('eks')]);
});

t.test('the parents are always exactly what parseDependsOn returns', async (t) => {
  const corpus = [
    ['dependsOn:vpc'],
    ['DependsOn: a|state:FINISHED+FAILED, b', 'depends-on:a|when:changed'],
    ['dependsOn:a|state:FAILED|x,b|state:FINISHED'],
    ['dependsOn:|state:FINISHED', 'dependsOn: , ,', 'dependsOn:'],
    ['dependsOn:b,a', 'depends-on:a', 'DEPENDSON: b , c|sometimes'],
    ['team:platform', 'depends_on:vpc', 'xdependsOn:vpc', 'dependsOnvpc'],
    ['dependsOn:VPC|when:changed', 'dependsOn:vpc|', 'dependsOn:net-core-01, payments_api.v2|state:'],
  ];
  for (const labels of corpus) {
    t.same(
      parseEdges(stack('eks', ...labels)).edges.map((e) => e.parent),
      parseDependsOn(labels),
      labels.join(' ; '),
    );
  }
});

t.test('the stack is not modified', async (t) => {
  const labels = Object.freeze(['dependsOn:a|state:failed,b']);
  const child = Object.freeze(stack('eks', ...labels));
  parseEdges(child);
  t.same(child.labels, ['dependsOn:a|state:failed,b']);
});
