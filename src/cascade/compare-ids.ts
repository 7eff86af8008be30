/**
 * Code-unit order of IDs, never `localeCompare`: plans, graphs and the cascade's slot order must not depend on the
 * machine's locale or ICU version (workflow code must replay the same across Node upgrades).
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
