/**
 * The cascade planner: which stacks run after `root` finished, in which wave, and which must not run.
 *
 * Pure and deterministic (it runs in an activity today but is safe for workflow code): the same account in any
 * order gives the same plan. Linear in stacks + edges: the account is indexed once, then only the downstream
 * subgraph of the root is walked. Cycles are found with an iterative Tarjan, so deep graphs cannot overflow
 * the call stack.
 */
import type { Stack } from '../platform/types';
import { compareIds } from './compare-ids';
import { resolveEdges, type When } from './edges';
import { parseSettings } from './settings';
import type { CascadePlan, Edge, PlannedStack } from './types';

export interface PlanOptions {
  /** 'changed' makes every edge whose label has no `when:` fire only when its upstream changed resources. */
  globalWhen?: When;
}

/** A CascadePlan plus the label problems of the stacks in it, for logs and `spacelift-cascade plan`. */
export interface CascadePlanReport extends CascadePlan {
  /** Unreadable dependency or settings labels of the root's downstream stacks; the defaults were used. */
  problems: string[];
}

/** Longer cycles are abbreviated in `excluded` reasons, so a huge cycle cannot blow up the plan's size. */
const REASON_PATH_LIMIT = 10;

interface Account {
  byId: Map<string, Stack>;
  /** child id → its edges (every parent it names, conditions resolved). */
  edgesOf: Map<string, Edge[]>;
  /** parent id → ids of the stacks naming it, sorted. */
  childrenOf: Map<string, string[]>;
  problemsOf: Map<string, string[]>;
  brokenReferences: CascadePlan['brokenReferences'];
  groups: Map<string, string[]>;
}

type Status = { kind: 'root' } | { kind: 'cycle' } | { kind: 'downstream'; origin: string } | { kind: 'planned'; wave: number };

export function buildPlan(root: string, stacks: readonly Stack[], options: PlanOptions = {}): CascadePlanReport {
  const account = indexAccount(root, stacks, options.globalWhen ?? 'always');
  const ids = downstreamOf(root, account.childrenOf);
  const position = new Map(ids.map((id, i) => [id, i]));
  const adjacency = ids.map((id) => (account.childrenOf.get(id) ?? []).map((child) => position.get(child) as number));
  const components = stronglyConnected(adjacency).reverse(); // Tarjan yields sinks first; walk parents first.

  const status = new Map<string, Status>([[root, { kind: 'root' }]]);
  const cycles: string[][] = [];
  const excluded: CascadePlan['excluded'] = [];
  for (const members of components) {
    const first = members[0];
    if (members.length > 1 || adjacency[first].includes(first)) {
      const found = describeCycle(members, adjacency, ids);
      cycles.push(found.cycle);
      for (const member of members) {
        const id = ids[member];
        if (id === root) continue; // The root already ran; its cycle is reported, its other members excluded.
        status.set(id, { kind: 'cycle' });
        excluded.push({ id, reason: `on cycle ${formatPath(found.through(member), REASON_PATH_LIMIT)}` });
      }
    } else if (ids[first] !== root) {
      const id = ids[first];
      const settled = settle(account.edgesOf.get(id) ?? [], status);
      status.set(id, settled);
      if (settled.kind === 'downstream') excluded.push({ id, reason: `downstream of cycle member ${settled.origin}` });
    }
  }

  const planned: PlannedStack[] = [];
  const problems: string[] = [];
  for (const id of [...ids].sort(compareIds)) {
    if (id === root) continue;
    const stack = account.byId.get(id) as Stack; // Every non-root node was reached through its own labels.
    const { settings, problems: settingsProblems } = parseSettings(stack.labels, id);
    problems.push(...(account.problemsOf.get(id) ?? []), ...settingsProblems);
    const own = status.get(id);
    if (own?.kind !== 'planned') continue;
    // Only parents inside this cascade are waited for: the root and other planned stacks.
    const parents = (account.edgesOf.get(id) ?? [])
      .filter((edge) => edge.parent === root || status.get(edge.parent)?.kind === 'planned')
      .sort((a, b) => compareIds(a.parent, b.parent));
    planned.push({ id, name: stack.name, settings, parents, wave: own.wave });
  }

  return {
    root,
    stacks: planned.sort((a, b) => a.wave - b.wave || compareIds(a.id, b.id)),
    cycles: cycles.sort((a, b) => compareIds(a[0], b[0])),
    excluded: excluded.sort((a, b) => compareIds(a.id, b.id)),
    brokenReferences: account.brokenReferences,
    ...groupsIn(account.groups, new Set(ids)),
    problems,
  };
}

/** Only groups with a member in the cascade, and only those members; no key at all when there are none. */
function groupsIn(groups: Map<string, string[]>, inCascade: Set<string>): Pick<CascadePlan, 'groups'> {
  const found = [...groups]
    .map(([name, members]) => ({ name, members: members.filter((id) => inCascade.has(id)) }))
    .filter((group) => group.members.length > 0)
    .sort((a, b) => compareIds(a.name, b.name));
  return found.length > 0 ? { groups: found } : {};
}

/** `a → b → c → a`; with a limit, the middle of a longer path is elided. */
export function formatPath(path: readonly string[], limit = Infinity): string {
  if (path.length <= limit) return path.join(' → ');
  const head = path.slice(0, limit - 2);
  const tail = path.slice(-1);
  return [...head, `… (${path.length - head.length - tail.length} more)`, ...tail].join(' → ');
}

function indexAccount(root: string, stacks: readonly Stack[], defaultWhen: When): Account {
  const byId = new Map<string, Stack>();
  for (const stack of stacks) if (!byId.has(stack.id)) byId.set(stack.id, stack);
  const { edgesOf, problemsOf, groups, missingGroups } = resolveEdges(byId.values(), { defaultWhen });
  const account: Account = { byId, edgesOf, childrenOf: new Map(), problemsOf, brokenReferences: [...missingGroups], groups };
  for (const stack of byId.values()) {
    for (const edge of edgesOf.get(stack.id) ?? []) {
      const children = account.childrenOf.get(edge.parent);
      if (children) children.push(stack.id);
      else account.childrenOf.set(edge.parent, [stack.id]);
      // The root just ran, so it exists even when the caller's list leaves it out.
      if (!byId.has(edge.parent) && edge.parent !== root) {
        account.brokenReferences.push({ stackId: stack.id, missing: edge.parent });
      }
    }
  }
  for (const children of account.childrenOf.values()) children.sort(compareIds);
  account.brokenReferences.sort((a, b) => compareIds(a.stackId, b.stackId) || compareIds(a.missing, b.missing));
  return account;
}

/** The root and every stack that transitively depends on it, breadth-first (root first). */
function downstreamOf(root: string, childrenOf: Map<string, string[]>): string[] {
  const seen = new Set([root]);
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    for (const child of childrenOf.get(order[i]) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        order.push(child);
      }
    }
  }
  return order;
}

/**
 * A stack outside any cycle: excluded when any parent in the cascade is (naming the smallest cycle member
 * behind it, so the reason does not depend on traversal order), else one wave after its latest parent.
 * Parents are settled first because components are visited in topological order.
 */
function settle(edges: readonly Edge[], status: Map<string, Status>): Status {
  let origin: string | undefined;
  let wave = 0;
  for (const { parent } of edges) {
    const from = status.get(parent);
    if (from === undefined || from.kind === 'root') continue; // Outside this cascade, or the root itself (wave 0).
    const blocker = from.kind === 'cycle' ? parent : from.kind === 'downstream' ? from.origin : undefined;
    if (blocker !== undefined && (origin === undefined || compareIds(blocker, origin) < 0)) origin = blocker;
    if (from.kind === 'planned') wave = Math.max(wave, from.wave + 1);
  }
  return origin !== undefined ? { kind: 'downstream', origin } : { kind: 'planned', wave };
}

/** Tarjan's strongly connected components without recursion; components come out sinks first. */
export function stronglyConnected(adjacency: readonly (readonly number[])[]): number[][] {
  const n = adjacency.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  const callNode: number[] = [];
  const callNext: number[] = [];
  let counter = 0;
  const visit = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    callNode.push(v);
    callNext.push(0);
  };
  for (let start = 0; start < n; start++) {
    if (index[start] !== -1) continue;
    visit(start);
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const v = callNode[top];
      const children = adjacency[v];
      const next = callNext[top];
      if (next < children.length) {
        callNext[top] = next + 1;
        const w = children[next];
        if (index[w] === -1) visit(w);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      callNode.pop();
      callNext.pop();
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
      const caller = callNode[callNode.length - 1];
      if (caller !== undefined) low[caller] = Math.min(low[caller], low[v]);
    }
  }
  return components;
}

/**
 * The cycle reported for one component: the shortest cycle through its smallest id (ties broken by id, since
 * children are sorted), and, for each member, a closed walk from that id through the member, so even a member
 * of a tangle of cycles gets a reason it can check against its labels.
 */
function describeCycle(members: readonly number[], adjacency: readonly (readonly number[])[], ids: readonly string[]) {
  const inComponent = new Set(members);
  const start = members.reduce((a, b) => (compareIds(ids[a], ids[b]) <= 0 ? a : b));
  const path = (v: number, tree: Map<number, number>): number[] => {
    const nodes = [v];
    for (let at = v; at !== start; at = tree.get(at) as number) nodes.push(tree.get(at) as number);
    return nodes;
  };
  const label = (nodes: readonly number[]) => nodes.map((v) => ids[v]);

  const forward = breadthFirst(start, (v) => adjacency[v], inComponent);
  let cycle = [start, start]; // A lone stack naming itself.
  const back = forward.order.find((v) => v !== start && adjacency[v].includes(start));
  if (back !== undefined) cycle = [...path(back, forward.tree).reverse(), start];
  const onCycle = new Set(cycle);
  const cycleIds = label(cycle); // Shared by every member on it: a 10,000-stack ring must stay linear.

  let backward: Map<number, number> | undefined;
  const through = (member: number): string[] => {
    if (onCycle.has(member)) return cycleIds;
    if (!backward) {
      const parents = new Map<number, number[]>();
      const byId = [...members].sort((a, b) => compareIds(ids[a], ids[b]));
      for (const v of byId) {
        for (const w of adjacency[v]) {
          const list = parents.get(w);
          if (!inComponent.has(w)) continue;
          if (list) list.push(v);
          else parents.set(w, [v]);
        }
      }
      backward = breadthFirst(start, (v) => parents.get(v) ?? [], inComponent).tree;
    }
    return label([...path(member, forward.tree).reverse(), ...path(member, backward).slice(1)]);
  };
  return { cycle: cycleIds, through };
}

function breadthFirst(start: number, next: (v: number) => readonly number[], within: Set<number>) {
  const tree = new Map<number, number>();
  const order = [start];
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    for (const w of next(v)) {
      if (w !== start && within.has(w) && !tree.has(w)) {
        tree.set(w, v);
        order.push(w);
      }
    }
  }
  return { tree, order };
}
