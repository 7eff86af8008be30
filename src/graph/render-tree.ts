/**
 * `graph --format tree`: the graph as an indented tree, one line per edge, then the waves, cycles, broken
 * references and label problems. A stack with several parents is expanded under the first one only; later
 * occurrences say `↑ see above`, and an edge back into the current path says `⟳ cycle, see above`, so the
 * output stays linear in the number of edges even for tangled or cyclic graphs.
 */
import { formatPath } from '../cascade/plan';
import { compareIds } from '../cascade/compare-ids';
import { count, graphSummary, type DependencyGraph, type GraphEdge, type GraphNode } from './build-graph';
import { edgeMarkers } from './markers';

interface Visit {
  id: string;
  /** Drawn before the stack ID (`│   ├── `). */
  linePrefix: string;
  /** Handed to its children. */
  childPrefix: string;
  edge?: GraphEdge;
}

/** Text without a trailing newline. */
export function renderTree(graph: DependencyGraph): string {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const children = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) children.set(edge.parent, [...(children.get(edge.parent) ?? []), edge]);

  const lines = [header(graph), ''];
  const expanded = new Set<string>();
  const onPath = new Set<string>();
  const draw = (start: string) => {
    const work: (Visit | { leave: string })[] = [{ id: start, linePrefix: '', childPrefix: '' }];
    while (work.length > 0) {
      const item = work.pop() as Visit | { leave: string };
      if ('leave' in item) {
        onPath.delete(item.leave);
        continue;
      }
      const node = nodes.get(item.id) as GraphNode;
      const repeat = onPath.has(item.id) ? '⟳ cycle, see above' : expanded.has(item.id) ? '↑ see above' : undefined;
      const markers = item.edge ? edgeMarkers(item.edge) : [];
      const notes = repeat ? [...markers, repeat] : [...placement(node), ...markers, ...exclusion(node)];
      lines.push(`${item.linePrefix}${item.id}${notes.length > 0 ? `  ${notes.join(' · ')}` : ''}`);
      if (repeat) continue;
      expanded.add(item.id);
      onPath.add(item.id);
      work.push({ leave: item.id });
      const below = children.get(item.id) ?? [];
      // Pushed last child first, so the first child is drawn first.
      for (let i = below.length - 1; i >= 0; i--) {
        const edge = below[i];
        const last = i === below.length - 1;
        work.push({
          id: edge.child,
          edge,
          linePrefix: `${item.childPrefix}${last ? '└── ' : '├── '}`,
          childPrefix: `${item.childPrefix}${last ? '    ' : '│   '}`,
        });
      }
    }
  };
  for (const root of graph.roots) draw(root);
  // Stacks only a parentless cycle leads to: start from the smallest ID not drawn yet.
  for (const node of [...graph.nodes].sort((a, b) => compareIds(a.id, b.id))) if (!expanded.has(node.id)) draw(node.id);

  section(
    lines,
    'Waves:',
    graph.waves.map((ids, i) => `${i + 1}: ${ids.join(', ')}`),
  );
  section(
    lines,
    'Cycles:',
    graph.cycles.map((cycle) => formatPath(cycle)),
  );
  section(
    lines,
    'Broken references:',
    graph.brokenReferences.map(({ stackId, missing }) => `${stackId} names missing stack ${missing}`),
  );
  section(
    lines,
    'Groups:',
    graph.groups.map(({ name, members }) => `group:${name}: ${members.join(', ')}`),
  );
  section(lines, 'Label problems:', graph.problems);
  return lines.join('\n');
}

function header(graph: DependencyGraph): string {
  const s = graphSummary(graph);
  const counts = `${count(s.waves, 'wave')}, ${count(s.cycles, 'cycle')}, ${count(s.brokenReferences, 'broken reference')}`;
  return graph.root === null
    ? `Account: ${count(s.stacks, 'stack')}, ${count(s.roots, 'root')}, ${counts}`
    : `Downstream of ${graph.root}: ${count(s.stacks, 'stack')}, ${counts}`;
}

/** Where the stack stands in the cascade: its wave, and whether it waits for approval. */
function placement(node: GraphNode): string[] {
  return [...(node.wave !== null ? [`wave ${node.wave}`] : []), ...(node.requiresApproval ? ['approval'] : [])];
}

/** Why the stack never runs, in the planner's words. */
function exclusion(node: GraphNode): string[] {
  if (node.status === 'on-cycle') return [`⟳ ${node.reason}`];
  if (node.status === 'below-cycle') return [`✗ not run: ${node.reason}`];
  return [];
}

function section(lines: string[], title: string, entries: readonly string[]): void {
  if (entries.length === 0) return;
  lines.push('', title, ...entries.map((entry) => `  ${entry}`));
}
