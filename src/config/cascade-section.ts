import { BlackoutError, parseBlackouts, type Blackout } from '../cascade/blackout';
import { ConfigError } from './errors';
import { parseDuration, parseEnum, parseInteger, parseRate } from './parse-values';
import type { RawValue } from './read-secret';
import { createReader, type Reader } from './reader';
import type { CascadeConfig, CascadeMode, EdgeMode } from './types';

const MODES: readonly CascadeMode[] = ['graph', 'direct'];
const EDGE_MODES: readonly EdgeMode[] = ['always', 'changed'];
const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;
const MAX_IN_FLIGHT = 1_000;
const MAX_WAIT_MS = 30 * DAY_MS;
const MAX_TRIGGER_RATE = 1_000;
const MAX_TRIGGER_ATTEMPTS = 10;

/** How webhooks start cascades and how a cascade runs; everything has a default. */
export function loadCascadeConfig(read: Reader): CascadeConfig {
  return {
    mode: parseEnum(read.orDefault('CASCADE_MODE'), MODES),
    maxInFlight: parseInteger(read.orDefault('CASCADE_MAX_IN_FLIGHT'), 1, MAX_IN_FLIGHT),
    runTimeoutMs: parseDuration(read.orDefault('CASCADE_RUN_TIMEOUT'), MINUTE_MS, MAX_WAIT_MS),
    approvalTimeoutMs: parseDuration(read.orDefault('CASCADE_APPROVAL_TIMEOUT'), MINUTE_MS, MAX_WAIT_MS),
    blackouts: loadBlackouts(read.get('CASCADE_BLACKOUTS')),
    edgeMode: parseEnum(read.orDefault('CASCADE_EDGE_MODE'), EDGE_MODES),
    pollIntervalMs: parseDuration(read.orDefault('CASCADE_POLL_INTERVAL'), SECOND_MS, DAY_MS),
    planTimeoutMs: parseDuration(read.orDefault('CASCADE_PLAN_TIMEOUT'), MINUTE_MS, MAX_WAIT_MS),
    triggerAttempts: parseInteger(read.orDefault('CASCADE_TRIGGER_ATTEMPTS'), 1, MAX_TRIGGER_ATTEMPTS),
    triggerRatePerSecond: parseRate(read.orDefault('SPACELIFT_TRIGGER_RATE'), MAX_TRIGGER_RATE, 'unlimited'),
  };
}

/** Every default, as a process with no cascade settings would see them (the demo starts from these). */
export function defaultCascadeConfig(): CascadeConfig {
  return loadCascadeConfig(createReader({}, {}));
}

/** Parsed once at start, so a window that cannot be read stops the process instead of a cascade. */
function loadBlackouts(raw: RawValue | undefined): Blackout[] {
  if (!raw) return [];
  try {
    return parseBlackouts(raw.value);
  } catch (err) {
    if (err instanceof BlackoutError) throw new ConfigError(err.message, raw.label);
    throw err;
  }
}
