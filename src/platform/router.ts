/**
 * One cascade, several platforms: unit IDs (src/platform/units.ts) are routed to the adapter that owns them.
 * Spacelift is always there; HCP Terraform only when configured, and a unit of a platform that is not configured
 * fails at once (non-retryable) with a message naming the variables to set.
 */
import { PlatformNotConfiguredError } from './errors';
import type { Stack } from '../platform/types';
import type { PlatformApi, PlatformName } from './types';
import { nativeId, platformOf, unitId } from './units';

export interface Platforms {
  spacelift: PlatformApi;
  /** HCP Terraform / Terraform Enterprise (TFC_TOKEN + TFC_ORGANIZATION); absent when not configured. */
  tfc?: PlatformApi;
}

/** The adapter of a unit, and the unit's ID as that adapter knows it. */
export function adapterFor(platforms: Platforms, unit: string): { api: PlatformApi; id: string } {
  const platform = platformOf(unit);
  const api = platform === 'tfc' ? platforms.tfc : platforms.spacelift;
  if (!api) throw new PlatformNotConfiguredError(unit);
  return { api, id: nativeId(unit) };
}

/** Every unit of every configured platform, with unit IDs. */
export async function listAllUnits(platforms: Platforms): Promise<Stack[]> {
  const lists = await Promise.all(configured(platforms).map(async ([name, api]) => withUnitIds(name, await api.listAllStacks())));
  return lists.flat();
}

/**
 * Units that may depend on `unit`: the Spacelift label search for `dependsOn:<unit>` (so `dependsOn:tfc:network`
 * is found too), plus every HCP Terraform workspace (tags cannot be searched by prefix; organizations are small).
 */
export async function listCandidateUnits(platforms: Platforms, unit: string): Promise<Stack[]> {
  const lists = await Promise.all(
    configured(platforms).map(async ([name, api]) =>
      withUnitIds(name, name === 'spacelift' ? await api.listCandidateDependents(unit) : await api.listAllStacks()),
    ),
  );
  return lists.flat();
}

function configured(platforms: Platforms): [PlatformName, PlatformApi][] {
  return platforms.tfc
    ? [
        ['spacelift', platforms.spacelift],
        ['tfc', platforms.tfc],
      ]
    : [['spacelift', platforms.spacelift]];
}

/** A platform's units with unit IDs (`tfc:<workspace>`); Spacelift stacks keep theirs. */
export function withUnitIds(platform: PlatformName, stacks: Stack[]): Stack[] {
  return platform === 'spacelift' ? stacks : stacks.map((stack) => ({ ...stack, id: unitId(platform, stack.id) }));
}
