/**
 * Unit IDs across platforms. A Spacelift stack keeps its own ID (`vpc`), so every Spacelift-only workflow ID,
 * label and command stays as it was; an HCP Terraform workspace is `tfc:<workspace>`. Spacelift stack IDs are
 * slugs without a colon, so the two can never collide.
 *
 * References in dependency labels:
 *   dependsOn:vpc              a unit of the same platform as the unit carrying the label
 *   dependsOn:spacelift:vpc    the Spacelift stack vpc, from either platform
 *   dependsOn:tfc:network      the HCP Terraform workspace network, from either platform
 *   dependsOn:group:edge       every member of the group `edge` inside the cascade (see src/cascade/edges.ts)
 *
 * Pure and deterministic: the planner and workflow code use it.
 */
import type { PlatformName } from './types';

export const TFC_PREFIX = 'tfc:';
const SPACELIFT_PREFIX = 'spacelift:';
export const GROUP_PREFIX = 'group:';

export function platformOf(unitId: string): PlatformName {
  return unitId.startsWith(TFC_PREFIX) ? 'tfc' : 'spacelift';
}

/** The platform's own ID: `network` for `tfc:network`, the stack ID for a Spacelift stack. */
export function nativeId(unitId: string): string {
  return platformOf(unitId) === 'tfc' ? unitId.slice(TFC_PREFIX.length) : unitId;
}

export function unitId(platform: PlatformName, native: string): string {
  return platform === 'tfc' ? `${TFC_PREFIX}${native}` : native;
}

/**
 * The unit (or `group:<name>`) a reference on a unit of `from` names. Prefixes are case-insensitive, because
 * HCP Terraform lower-cases tags; group names are lower-cased for the same reason.
 */
export function resolveReference(reference: string, from: PlatformName): string {
  const lower = reference.toLowerCase();
  if (lower.startsWith(GROUP_PREFIX)) return `${GROUP_PREFIX}${reference.slice(GROUP_PREFIX.length).trim().toLowerCase()}`;
  if (lower.startsWith(SPACELIFT_PREFIX)) return reference.slice(SPACELIFT_PREFIX.length).trim();
  if (lower.startsWith(TFC_PREFIX)) return unitId('tfc', reference.slice(TFC_PREFIX.length).trim());
  return unitId(from, reference);
}
