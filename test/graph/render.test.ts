// graph renderers against golden files: a fixture account with waves, a diamond, conditional edges, an approval
// gate, a cycle fed from a root, a parentless cycle, a stack below a cycle and two broken references.
// UPDATE_GOLDEN=1 rewrites the files; review the diff before keeping it.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, type DependencyGraph } from '../../src/graph/build-graph';
import { graphToJson } from '../../src/graph/graph-json';
import { readStackFixture } from '../../src/graph/read-fixture';
import { renderDot } from '../../src/graph/render-dot';
import { renderMermaid } from '../../src/graph/render-mermaid';
import { renderTree } from '../../src/graph/render-tree';

const FIXTURE = join(__dirname, 'fixtures', 'example.json');
const GOLDEN = join(__dirname, 'golden');
const stacks = readStackFixture(FIXTURE);

const renderers: Record<string, (graph: DependencyGraph) => string> = {
  tree: renderTree,
  mermaid: renderMermaid,
  dot: renderDot,
  json: (graph) => JSON.stringify(graphToJson(graph), null, 2),
};

for (const [scope, root] of [
  ['account', undefined],
  ['vpc', 'vpc'],
] as const) {
  for (const [format, render] of Object.entries(renderers)) {
    t.test(
      `${format} of ${scope === 'account' ? 'the whole account' : `the cascade below ${root}`} matches golden/${scope}.${format}.txt`,
      async (t) => {
        const output = render(buildGraph(stacks, root ? { root } : {})) + '\n';
        const file = join(GOLDEN, `${scope}.${format}.txt`);
        if (process.env.UPDATE_GOLDEN) writeFileSync(file, output);
        t.equal(output, readFileSync(file, 'utf8'));
      },
    );
  }
}

t.test('tree: the exact picture of a cycle and a broken reference (inline golden)', async (t) => {
  const graph = buildGraph(
    [
      { id: 'a', name: 'a', labels: [], attachedContexts: [] },
      { id: 'b', name: 'b', labels: ['dependsOn:a,c'], attachedContexts: [] },
      { id: 'c', name: 'c', labels: ['dependsOn:b'], attachedContexts: [] },
      { id: 'd', name: 'd', labels: ['dependsOn:a,nowhere'], attachedContexts: [] },
    ],
    { root: 'a' },
  );
  t.equal(
    renderTree(graph),
    [
      'Downstream of a: 3 stacks, 1 wave, 1 cycle, 1 broken reference',
      '',
      'a',
      '├── b  ⟳ on cycle b → c → b',
      '│   └── c  ⟳ on cycle b → c → b',
      '│       └── b  ⟳ cycle, see above',
      '└── d  wave 1',
      '',
      'Waves:',
      '  1: d',
      '',
      'Cycles:',
      '  b → c → b',
      '',
      'Broken references:',
      '  d names missing stack nowhere',
    ].join('\n'),
  );
  t.match(renderMermaid(graph), /class s1,s2 cycle\n {2}class m0 missing\n {2}linkStyle 2,3 stroke:#d93025/);
  t.match(renderDot(graph), /"b" -> "c" \[color="red", fontcolor="red", penwidth="2"\];/);
  t.match(renderDot(graph), /"d" -> "missing:nowhere" \[label="names missing stack", style="dashed"/);
});

t.test('buildGraph: input order does not matter; a root on a cycle; a stack naming itself', async (t) => {
  t.same(buildGraph([...stacks].reverse()), buildGraph(stacks));
  const ring = buildGraph(
    [
      { id: 'r', name: 'r', labels: ['dependsOn:s'], attachedContexts: [] },
      { id: 's', name: 's', labels: ['dependsOn:r'], attachedContexts: [] },
      { id: 'self', name: 'self', labels: ['dependsOn:self'], attachedContexts: [] },
    ],
    { root: 'r' },
  );
  t.same(
    ring.edges.map((e) => [e.parent, e.child, e.onCycle]),
    [
      ['r', 's', true],
      ['s', 'r', true],
    ],
  );
  t.same(
    ring.nodes.map((n) => [n.id, n.status]),
    [
      ['r', 'root'],
      ['s', 'on-cycle'],
    ],
  );
  const account = buildGraph([{ id: 'self', name: 'self', labels: ['dependsOn:self'], attachedContexts: [] }]);
  t.same(account.roots, []);
  t.same(account.cycles, [['self', 'self']]);
  t.equal(renderTree(account).split('\n')[2], 'self  ⟳ on cycle self → self');
});

t.test('readStackFixture: a searchStacks response, and precise errors', async (t) => {
  const account = readStackFixture(join(__dirname, '..', '..', 'fixtures', 'spacelift', 'account.json'));
  t.equal(account.length, 9);
  t.same(
    account.find((s) => s.id === 'app'),
    { id: 'app', name: 'Payments app', labels: ['DependsOn: eks, rds', 'team:web'], attachedContexts: [] },
    'only id, name, labels are read',
  );
  t.throws(() => readStackFixture('/nonexistent/x.json'), { message: 'fixture /nonexistent/x.json: cannot be read (ENOENT)' });
  t.throws(() => readStackFixture(join(__dirname, 'render.test.ts')), { message: /^fixture .*render\.test\.ts: is not JSON/ });
});

t.test('groups and HCP Terraform workspaces: group edges marked, groups listed (inline golden)', async (t) => {
  const unit = (id: string, ...labels: string[]) => ({ id, name: id, labels, attachedContexts: [] });
  const units = [
    unit('vpc', 'group:network'),
    unit('tfc:dns', 'dependson:spacelift:vpc', 'group:network'),
    unit('app', 'dependsOn:group:network'),
    unit('tfc:cdn', 'dependson:dns'),
  ];
  const graph = buildGraph(units, { root: 'vpc' });
  t.equal(
    renderTree(graph),
    [
      'Downstream of vpc: 3 stacks, 2 waves, 0 cycles, 0 broken references',
      '',
      'vpc',
      '├── app  wave 2 · via group:network',
      '└── tfc:dns  wave 1',
      '    ├── app  via group:network · ↑ see above',
      '    └── tfc:cdn  wave 2',
      '',
      'Waves:',
      '  1: tfc:dns',
      '  2: app, tfc:cdn',
      '',
      'Groups:',
      '  group:network: tfc:dns, vpc',
    ].join('\n'),
  );
  t.match(renderMermaid(graph), /-->\|"via group:network"\|/);
  t.match(renderDot(graph), /"vpc" -> "app" \[label="via group:network"\]/);
  t.same(graphToJson(graph).groups, [{ name: 'network', members: ['tfc:dns', 'vpc'] }]);
  t.same(buildGraph(units).roots, ['vpc'], 'a workspace with a cross-platform parent is not an entry point');
});
