/**
 * Conditional dependency edges, read from the DEPENDENT (child) stack's labels:
 *   dependsOn:vpc                          fires when vpc's run FINISHED (the defaults)
 *   depends-on:vpc|state:FAILED            Spacelift's trigger-policy syntax: fire on that run state
 *   dependsOn:vpc|when:changed             only when the vpc run changed resources
 *   DependsOn: a|state:FINISHED+FAILED, b  several states with `+`; comma lists as in parseDependsOn
 *   dependsOn:tfc:network                  a unit of another platform (src/platform/units.ts)
 *   dependsOn:group:edge                   every member of a group (`group:edge` on the members); see resolveEdges
 *
 * Pure and deterministic: this runs inside Temporal workflow code.
 *
 * A label we cannot fully read never throws and never drops the edge. The unreadable modifier is ignored (its
 * default applies) and reported in `problems`, so one typo cannot break a whole cascade, and the parents found
 * here are always exactly the IDs parseDependsOn returns for the same labels.
 */
import { compareIds } from './compare-ids';
import { GROUP_PREFIX, platformOf, resolveReference } from '../platform/units';
import type { Stack } from '../platform/types';
import { TERMINAL_STATES, type Edge } from './types';

export type When = Edge['when'];

export interface ParsedEdges {
  /** One edge per parent, in first-seen order; conditions of repeated parents are merged. */
  edges: Edge[];
  /** Human-readable, one per problem, each naming the stack and the label. */
  problems: string[];
}

export interface ParseEdgesOptions {
  /** The `when` of an edge whose label does not say (default 'always'); see buildPlan's globalWhen. */
  defaultWhen?: When;
}

/** Same key as src/spacelift/labels.ts (not exported there): both spellings, case-insensitive. */
const DEPENDS_ON_KEY = /^\s*(?:dependson|depends-on)\s*:/i;
const DEFAULT_STATES: readonly string[] = ['FINISHED'];
const KNOWN_STATES: readonly string[] = TERMINAL_STATES;

interface ItemCondition {
  /** undefined when the item names no (readable) state: the default applies. */
  states: string[] | undefined;
  when: When | undefined;
}

export function parseEdges(child: Stack, options: ParseEdgesOptions = {}): ParsedEdges {
  const defaultWhen = options.defaultWhen ?? 'always';
  const platform = platformOf(child.id);
  const byParent = new Map<string, Edge>();
  const problems: string[] = [];

  for (const label of child.labels) {
    const key = DEPENDS_ON_KEY.exec(label);
    if (!key) continue;
    const report = (problem: string) => problems.push(`stack ${child.id}: label "${label}" ${problem}`);
    for (const item of label.slice(key[0].length).split(',')) {
      const [rawParent = '', ...modifiers] = item.split('|');
      const parent = rawParent.trim() === '' ? '' : resolveReference(rawParent.trim(), platform);
      if (parent === '') {
        // parseDependsOn skips empty items too; only a condition with no stack is worth a word.
        if (modifiers.length > 0) report('has a condition but no stack ID before it');
        continue;
      }
      const condition = parseModifiers(modifiers, report);
      const edge: Edge = {
        parent,
        child: child.id,
        states: condition.states ?? [...DEFAULT_STATES],
        when: condition.when ?? defaultWhen,
      };
      const previous = byParent.get(parent);
      byParent.set(parent, previous ? mergeEdges(previous, edge) : edge);
    }
  }
  return { edges: [...byParent.values()], problems };
}

/**
 * Two labels naming the same parent: the edge fires if either would. The union is the reading that never
 * silently drops a trigger the user asked for.
 */
export function mergeEdges(a: Edge, b: Edge): Edge {
  const groups = [...new Set([...(a.groups ?? []), ...(b.groups ?? [])])].sort();
  return {
    parent: a.parent,
    child: a.child,
    states: sortStates([...a.states, ...b.states]),
    when: a.when === 'always' || b.when === 'always' ? 'always' : 'changed',
    ...(groups.length > 0 ? { groups } : {}),
  };
}

/** Every unit's edges with group references expanded, for the planner and the graph. */
export interface ResolvedEdges {
  /** unit id → one edge per parent unit (conditions of repeated parents merged). */
  edgesOf: Map<string, Edge[]>;
  problemsOf: Map<string, string[]>;
  /** group name → member unit ids, sorted; only groups some unit joins. */
  groups: Map<string, string[]>;
  /** `dependsOn:group:<name>` naming a group nobody joins: { stackId, missing: 'group:<name>' }. */
  missingGroups: { stackId: string; missing: string }[];
}

const GROUP_KEY = /^\s*group\s*:/i;

/** The groups a unit joins: `group:<name>` labels (comma lists allowed), names lower-cased. */
export function parseGroups(labels: readonly string[]): string[] {
  const names = new Set<string>();
  for (const label of labels) {
    const key = GROUP_KEY.exec(label);
    if (!key) continue;
    for (const name of label.slice(key[0].length).split(',')) if (name.trim() !== '') names.add(name.trim().toLowerCase());
  }
  return [...names];
}

/**
 * `dependsOn:group:<name>` becomes one edge from every member of the group (but the unit itself), each with the
 * label's condition and `groups: [name]`. The planner then waits only for the members inside the cascade, which is
 * what "the group finished" means for this cascade: members it does not reach are not waited for.
 */
export function resolveEdges(units: Iterable<Stack>, options: ParseEdgesOptions = {}): ResolvedEdges {
  const parsed = new Map<string, ParsedEdges>();
  const groups = new Map<string, string[]>();
  // HCP Terraform lower-cases tags, so `dependson:network` must find the workspace `Network`.
  const workspaces = new Map<string, string>();
  for (const unit of units) {
    parsed.set(unit.id, parseEdges(unit, options));
    if (platformOf(unit.id) === 'tfc') workspaces.set(unit.id.toLowerCase(), unit.id);
    for (const name of parseGroups(unit.labels)) groups.set(name, [...(groups.get(name) ?? []), unit.id]);
  }
  for (const members of groups.values()) members.sort(compareIds);

  const resolved: ResolvedEdges = { edgesOf: new Map(), problemsOf: new Map(), groups, missingGroups: [] };
  for (const [id, { edges, problems }] of parsed) {
    const byParent = new Map<string, Edge>();
    const add = (edge: Edge) => {
      const previous = byParent.get(edge.parent);
      byParent.set(edge.parent, previous ? mergeEdges(previous, edge) : edge);
    };
    for (const edge of edges) {
      if (!edge.parent.startsWith(GROUP_PREFIX)) {
        const workspace = platformOf(edge.parent) === 'tfc' ? workspaces.get(edge.parent.toLowerCase()) : undefined;
        add(workspace ? { ...edge, parent: workspace } : edge);
        continue;
      }
      const name = edge.parent.slice(GROUP_PREFIX.length);
      const members = groups.get(name);
      if (!members) resolved.missingGroups.push({ stackId: id, missing: edge.parent });
      for (const member of members ?? []) if (member !== id) add({ ...edge, parent: member, groups: [name] });
    }
    resolved.edgesOf.set(id, [...byParent.values()]);
    if (problems.length > 0) resolved.problemsOf.set(id, problems);
  }
  return resolved;
}

function parseModifiers(modifiers: readonly string[], report: (problem: string) => void): ItemCondition {
  const condition: ItemCondition = { states: undefined, when: undefined };
  for (const raw of modifiers) {
    const modifier = raw.trim();
    const colon = modifier.indexOf(':');
    const key = colon === -1 ? '' : modifier.slice(0, colon).trim().toLowerCase();
    const value = colon === -1 ? '' : modifier.slice(colon + 1).trim();
    if (modifier === '') report('has an empty condition');
    else if (key === 'state') {
      const states = parseStates(value, report);
      if (states.length > 0) condition.states = sortStates([...(condition.states ?? []), ...states]);
    } else if (key === 'when') {
      const when = value.toLowerCase();
      if (when === 'always' || when === 'changed') condition.when = condition.when === 'always' ? 'always' : when;
      else report(`has an unknown when "${value}" (expected changed or always)`);
    } else report(`has an unknown condition "${modifier}"`);
  }
  return condition;
}

function parseStates(value: string, report: (problem: string) => void): string[] {
  const names = value
    .split('+')
    .map((name) => name.trim().toUpperCase())
    .filter((name) => name !== '');
  if (names.length === 0) report('has an empty state list');
  const known = names.filter((name) => KNOWN_STATES.includes(name));
  for (const name of names) {
    if (!known.includes(name)) report(`names an unknown run state "${name}" (expected ${KNOWN_STATES.join(', ')})`);
  }
  return known;
}

/** Unique, in TERMINAL_STATES order, so equal conditions always compare and render the same. */
function sortStates(states: readonly string[]): string[] {
  return KNOWN_STATES.filter((state) => states.includes(state));
}
