import { isAbsolute } from 'node:path';
import { ConfigError } from './errors';
import { parseInteger } from './parse-values';
import type { Reader } from './reader';
import type { AuditConfig } from './types';

const MIN_BYTES = 1_024;
const MAX_BYTES = 1_073_741_824;
const MAX_KEEP = 100;

/** The audit log: off unless AUDIT_LOG_PATH names a file; size rotation always validated, so typos surface early. */
export function loadAuditConfig(read: Reader): AuditConfig {
  const maxBytes = parseInteger(read.orDefault('AUDIT_LOG_MAX_BYTES'), MIN_BYTES, MAX_BYTES);
  const keep = parseInteger(read.orDefault('AUDIT_LOG_KEEP'), 1, MAX_KEEP);
  const raw = read.get('AUDIT_LOG_PATH');
  if (!raw) return { maxBytes, keep };
  const path = raw.value.trim();
  // Relative to what? The worker's working directory differs between systemd, a shell and the binary.
  if (!isAbsolute(path) || path.endsWith('/'))
    throw new ConfigError(`${raw.label} must be an absolute file path, got '${raw.value}'`, raw.label);
  return { path, maxBytes, keep };
}
