import { ConfigError } from './errors';
import { parseApiEndpoint, parseName } from './parse-values';
import type { Reader } from './reader';
import type { TerraformConfig } from './types';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Undefined when neither TFC_TOKEN nor TFC_ORGANIZATION is set: HCP Terraform is simply off. */
export function loadTerraformConfig(read: Reader, requestTimeoutMs = DEFAULT_TIMEOUT_MS): TerraformConfig | undefined {
  const url = parseApiEndpoint(read.orDefault('TFC_URL'));
  const organization = read.get('TFC_ORGANIZATION');
  const token = read.get('TFC_TOKEN');
  if (!organization && !token) return undefined;
  if (!organization)
    throw new ConfigError('TFC_TOKEN and TFC_ORGANIZATION must be set together: missing TFC_ORGANIZATION', 'TFC_ORGANIZATION');
  if (!token) throw new ConfigError('TFC_TOKEN and TFC_ORGANIZATION must be set together: missing TFC_TOKEN', 'TFC_TOKEN');
  // Never quote secret values.
  if (token.value.trim() === '') throw new ConfigError('TFC_TOKEN is blank', 'TFC_TOKEN');
  return { url, organization: parseName(organization), token: token.value.trim(), requestTimeoutMs };
}
