/**
 * `graph --format mermaid`: a Mermaid flowchart (GitHub and GitLab render it in Markdown). Waves are subgraphs,
 * stacks that never run sit in a "Not run" subgraph, cycle members get the `cycle` class and cycle edges a red
 * linkStyle, and a broken reference is drawn as a dashed "missing" node. Stack IDs become s0, s1, … (in ID
 * order) so that no stack ID can break Mermaid's syntax; labels carry the real IDs.
 */
import { count, graphSummary, type DependencyGraph, type GraphNode } from './build-graph';
import { edgeMarkers, graphNotes } from './markers';

const CLASSES = [
  'classDef root fill:#e8f0fe,stroke:#1a73e8,stroke-width:2px',
  'classDef cycle fill:#fce8e6,stroke:#d93025,stroke-width:2px,color:#a50e0e',
  'classDef belowCycle fill:#f1f3f4,stroke:#9aa0a6,color:#5f6368',
  'classDef missing fill:#ffffff,stroke:#9aa0a6,stroke-dasharray:5 5,color:#5f6368',
];
const CYCLE_EDGE_STYLE = 'stroke:#d93025,stroke-width:2px';

/** Text without a trailing newline. */
export function renderMermaid(graph: DependencyGraph): string {
  const key = new Map(graph.nodes.map((node, i) => [node.id, `s${i}`]));
  const missing = [...new Set(graph.brokenReferences.map((ref) => ref.missing))].sort();
  const missingKey = new Map(missing.map((id, i) => [id, `m${i}`]));
  const s = graphSummary(graph);
  const lines = [
    'flowchart TD',
    graph.root === null
      ? `  %% Account: ${count(s.stacks, 'stack')}, ${count(s.roots, 'root')}, ${count(s.waves, 'wave')}`
      : `  %% Downstream of ${graph.root}: ${count(s.stacks, 'stack')}, ${count(s.waves, 'wave')}`,
    ...CLASSES.map((line) => `  ${line}`),
  ];
  const declare = (node: GraphNode, indent: string) => lines.push(`${indent}${key.get(node.id)}["${label(node)}"]`);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));

  for (const node of graph.nodes) if (node.status === 'root') declare(node, '  ');
  graph.waves.forEach((ids, i) => {
    lines.push(`  subgraph wave${i + 1}["Wave ${i + 1}"]`);
    for (const id of ids) declare(byId.get(id) as GraphNode, '    ');
    lines.push('  end');
  });
  const notRun = graph.nodes.filter((node) => node.status === 'on-cycle' || node.status === 'below-cycle');
  if (notRun.length > 0) {
    lines.push('  subgraph notRun["Not run: on or below a cycle"]');
    for (const node of notRun) declare(node, '    ');
    lines.push('  end');
  }
  for (const id of missing) lines.push(`  ${missingKey.get(id)}["${escape(id)} (missing)"]`);

  const cycleLinks: number[] = [];
  graph.edges.forEach((edge, i) => {
    const markers = edgeMarkers(edge);
    const arrow = markers.length > 0 ? `-->|"${escape(markers.join(', '))}"|` : '-->';
    lines.push(`  ${key.get(edge.parent)} ${arrow} ${key.get(edge.child)}`);
    if (edge.onCycle) cycleLinks.push(i);
  });
  for (const ref of graph.brokenReferences)
    lines.push(`  ${key.get(ref.stackId)} -.->|"names missing stack"| ${missingKey.get(ref.missing)}`);

  classLine(
    lines,
    'root',
    graph.nodes.filter((node) => node.status === 'root').map((node) => key.get(node.id) as string),
  );
  classLine(
    lines,
    'cycle',
    graph.nodes
      .filter((node) => node.status === 'on-cycle' || (node.status === 'root' && onCycle(graph, node.id)))
      .map((node) => key.get(node.id) as string),
  );
  classLine(
    lines,
    'belowCycle',
    graph.nodes.filter((node) => node.status === 'below-cycle').map((node) => key.get(node.id) as string),
  );
  classLine(
    lines,
    'missing',
    missing.map((id) => missingKey.get(id) as string),
  );
  if (cycleLinks.length > 0) lines.push(`  linkStyle ${cycleLinks.join(',')} ${CYCLE_EDGE_STYLE}`);

  lines.push(...graphNotes(graph, '%%'));
  return lines.join('\n');
}

function label(node: GraphNode): string {
  return escape(node.requiresApproval ? `${node.id} · approval` : node.id);
}

/** Mermaid has no backslash escapes inside quoted labels; it takes HTML-style entity codes instead. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\r?\n/g, ' ');
}

function onCycle(graph: DependencyGraph, id: string): boolean {
  return graph.edges.some((edge) => edge.onCycle && (edge.parent === id || edge.child === id));
}

function classLine(lines: string[], name: string, keys: readonly string[]): void {
  if (keys.length > 0) lines.push(`  class ${keys.join(',')} ${name}`);
}

/** Mermaid comments must not contain `%%`-breaking newlines; entries are one line each already. */
