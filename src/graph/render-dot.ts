/**
 * `graph --format dot`: Graphviz (`… | dot -Tsvg > graph.svg`). Waves are clusters, cycle members and cycle edges
 * are red, stacks below a cycle grey, and a broken reference is a dashed grey edge to a dashed "missing" node.
 * Cycles, broken references and label problems are also listed as comments at the end.
 */
import { count, graphSummary, type DependencyGraph, type GraphNode } from './build-graph';
import { edgeMarkers, graphNotes } from './markers';

/** Text without a trailing newline. */
export function renderDot(graph: DependencyGraph): string {
  const s = graphSummary(graph);
  const lines = [
    'digraph cascade {',
    graph.root === null
      ? `  // Account: ${count(s.stacks, 'stack')}, ${count(s.roots, 'root')}, ${count(s.waves, 'wave')}`
      : `  // Downstream of ${graph.root}: ${count(s.stacks, 'stack')}, ${count(s.waves, 'wave')}`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const cyclic = new Set(graph.edges.filter((edge) => edge.onCycle).flatMap((edge) => [edge.parent, edge.child]));
  const declare = (node: GraphNode, indent: string) =>
    lines.push(`${indent}${quote(node.id)}${attributes(nodeAttributes(node, cyclic.has(node.id)))};`);

  for (const node of graph.nodes) if (node.status === 'root') declare(node, '  ');
  graph.waves.forEach((ids, i) => {
    lines.push(`  subgraph cluster_wave_${i + 1} {`, `    label="Wave ${i + 1}";`);
    for (const id of ids) declare(byId.get(id) as GraphNode, '    ');
    lines.push('  }');
  });
  const notRun = graph.nodes.filter((node) => node.status === 'on-cycle' || node.status === 'below-cycle');
  if (notRun.length > 0) {
    lines.push('  subgraph cluster_not_run {', '    label="Not run: on or below a cycle";', '    color=gray;');
    for (const node of notRun) declare(node, '    ');
    lines.push('  }');
  }
  const missing = [...new Set(graph.brokenReferences.map((ref) => ref.missing))].sort();
  for (const id of missing) {
    lines.push(`  ${quote(missingId(id))}${attributes({ label: `${id} (missing)`, style: 'dashed', color: 'gray', fontcolor: 'gray' })};`);
  }

  for (const edge of graph.edges) {
    const markers = edgeMarkers(edge);
    lines.push(
      `  ${quote(edge.parent)} -> ${quote(edge.child)}${attributes({
        ...(markers.length > 0 ? { label: markers.join(', ') } : {}),
        ...(edge.onCycle ? { color: 'red', fontcolor: 'red', penwidth: '2' } : {}),
      })};`,
    );
  }
  for (const ref of graph.brokenReferences) {
    lines.push(
      `  ${quote(ref.stackId)} -> ${quote(missingId(ref.missing))}${attributes({ label: 'names missing stack', style: 'dashed', color: 'gray', fontcolor: 'gray' })};`,
    );
  }

  lines.push(...graphNotes(graph, '//'));
  lines.push('}');
  return lines.join('\n');
}

function nodeAttributes(node: GraphNode, onCycle: boolean): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (node.requiresApproval) attrs.label = `${node.id}\n(approval)`;
  if (node.status === 'root') attrs.style = 'rounded,bold';
  if (node.status === 'on-cycle' || onCycle) Object.assign(attrs, { color: 'red', fontcolor: 'red', penwidth: '2' });
  if (node.status === 'below-cycle') Object.assign(attrs, { color: 'gray', fontcolor: 'gray' });
  return attrs;
}

/** Unit IDs are colon-free Spacelift IDs or `tfc:<workspace>`, so this cannot collide with one. */
function missingId(id: string): string {
  return `missing:${id}`;
}

function attributes(attrs: Record<string, string>): string {
  const entries = Object.entries(attrs);
  return entries.length === 0 ? '' : ` [${entries.map(([k, v]) => `${k}=${quote(v)}`).join(', ')}]`;
}

/** A DOT ID: always double-quoted, with backslashes and quotes escaped and newlines as \n. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
