/**
 * Dependency labels. A stack declares what it depends on with labels such as
 *   dependsOn:vpc              (this project's original convention)
 *   depends-on:vpc             (the convention in Spacelift's trigger-policy docs)
 *   DependsOn: eks, rds        (comma list; the key is case-insensitive)
 * Stack IDs are slugs and are compared case-sensitively, exactly as Spacelift does.
 */

const DEPENDS_ON_KEY = /^\s*(?:dependson|depends-on)\s*:/i;

/**
 * Unique stack IDs named by every dependsOn / depends-on label, in first-seen order.
 *
 * Anything from the first `|` of an item on is dropped: `depends-on:vpc|state:FAILED` is the docs' syntax for
 * a conditional edge (trigger only when the upstream run ends in that state). It is reserved for a later
 * feature; until then such an edge is treated as unconditional rather than silently ignored.
 */
export function parseDependsOn(labels: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const label of labels) {
    const key = DEPENDS_ON_KEY.exec(label);
    if (!key) continue;
    for (const item of label.slice(key[0].length).split(',')) {
      const id = stripCondition(item).trim();
      if (id !== '') ids.add(id);
    }
  }
  return [...ids];
}

/** True when the labels name `stackId` exactly. Never a substring test: `dependsOn:network` is not `net`. */
export function dependsOn(labels: readonly string[], stackId: string): boolean {
  return parseDependsOn(labels).includes(stackId);
}

function stripCondition(item: string): string {
  const bar = item.indexOf('|');
  return bar === -1 ? item : item.slice(0, bar);
}
