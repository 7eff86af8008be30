import { ConfigError } from './errors';
import { parseApiEndpoint, parseEnum, parseInteger, parseName } from './parse-values';
import type { Reader } from './reader';
import type { DiscoveryMode, SpaceliftConfig } from './types';

const CREDENTIAL_VARIABLES = ['SPACELIFT_API_ENDPOINT', 'SPACELIFT_API_KEY_ID', 'SPACELIFT_API_KEY_SECRET'] as const;
const DISCOVERY_MODES: readonly DiscoveryMode[] = ['scan', 'label'];
const MAX_REQUEST_TIMEOUT_MS = 300_000;

/**
 * Undefined when no credentials are configured at all; a partial set is a mistake, except SPACELIFT_API_KEY_ID alone
 * where `keyIdAlone` allows it (the `webhook` listener: see loadCascadeKeyId).
 */
export function loadSpaceliftConfig(read: Reader, { keyIdAlone = false }: { keyIdAlone?: boolean } = {}): SpaceliftConfig | undefined {
  // Validate the tuning knobs even without credentials, so a typo surfaces before it matters.
  const discovery = parseEnum(read.orDefault('SPACELIFT_DISCOVERY'), DISCOVERY_MODES);
  const requestTimeoutMs = parseInteger(read.orDefault('SPACELIFT_REQUEST_TIMEOUT_MS'), 1, MAX_REQUEST_TIMEOUT_MS);

  const [endpoint, apiKeyId, apiKeySecret] = CREDENTIAL_VARIABLES.map((name) => read.get(name));
  const missing = CREDENTIAL_VARIABLES.filter((_, i) => [endpoint, apiKeyId, apiKeySecret][i] === undefined);
  if (missing.length === CREDENTIAL_VARIABLES.length) return undefined;
  if (keyIdAlone && apiKeyId && !endpoint && !apiKeySecret) return undefined;
  if (!endpoint || !apiKeyId || !apiKeySecret) {
    throw new ConfigError(`${joinNames(CREDENTIAL_VARIABLES)} must be set together: missing ${joinNames(missing)}`);
  }
  const secret = apiKeySecret.value.trim();
  if (secret === '') throw new ConfigError('SPACELIFT_API_KEY_SECRET is blank', 'SPACELIFT_API_KEY_SECRET');

  return {
    endpoint: parseApiEndpoint(endpoint),
    apiKeyId: parseName(apiKeyId),
    apiKeySecret: secret,
    discovery,
    requestTimeoutMs,
  };
}

/**
 * The API key the worker triggers runs with, whose runs belong to cascades: SPACELIFT_API_KEY_ID. Not a secret, so a
 * `webhook` listener may be given it without the rest of the credentials, to recognise those runs by `triggeredBy`.
 */
export function loadCascadeKeyId(read: Reader): string | undefined {
  const raw = read.get('SPACELIFT_API_KEY_ID');
  return raw ? parseName(raw) : undefined;
}

export const SPACELIFT_CREDENTIAL_VARIABLES: readonly string[] = CREDENTIAL_VARIABLES;

export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
