import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors';
import { flagName, variableSpec, type VariableName } from './variables';

export type Env = Readonly<Record<string, string | undefined>>;
export type ConfigFlags = Partial<Record<VariableName, string>>;

export type ValueSource = 'flag' | 'env' | 'file' | 'credential' | 'default';

export interface RawValue {
  value: string;
  source: ValueSource;
  /** What to call the value in an error: the flag the operator typed, else the variable name. */
  label: string;
}

/**
 * Reads one variable, in order of precedence: CLI flag > VAR > VAR_FILE > $CREDENTIALS_DIRECTORY/VAR
 * (systemd LoadCredential=VAR:/path). An empty VAR counts as unset, because unit files and compose files
 * commonly write `VAR=` to mean "not set".
 */
export function readVariable(name: VariableName, env: Env, flags: ConfigFlags): RawValue | undefined {
  const fromFlag = flags[name];
  if (fromFlag !== undefined) return { value: fromFlag, source: 'flag', label: `--${flagName(variableSpec(name)) ?? name}` };

  const direct = nonEmpty(env[name]);
  const filePath = nonEmpty(env[`${name}_FILE`]);
  if (direct !== undefined && filePath !== undefined) {
    throw new ConfigError(`set either ${name} or ${name}_FILE, not both`, name);
  }
  if (direct !== undefined) return { value: direct, source: 'env', label: name };
  if (filePath !== undefined) return { value: readValueFile(filePath, `${name}_FILE`), source: 'file', label: name };

  const credentialsDir = nonEmpty(env.CREDENTIALS_DIRECTORY);
  if (credentialsDir !== undefined) {
    const credential = readOptionalFile(join(credentialsDir, name), `credential ${name}`);
    if (credential !== undefined) return { value: credential, source: 'credential', label: name };
  }
  return undefined;
}

function readValueFile(path: string, label: string): string {
  let contents: string;
  try {
    contents = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${label} points to '${path}', which cannot be read (${errorCode(err)})`, label);
  }
  const value = trimTrailingNewlines(contents);
  if (value === '') throw new ConfigError(`${label} points to '${path}', which is empty`, label);
  return value;
}

/** A missing credential file just means "not provided"; an unreadable one is an error worth reporting. */
function readOptionalFile(path: string, label: string): string | undefined {
  try {
    const value = trimTrailingNewlines(readFileSync(path, 'utf8'));
    return value === '' ? undefined : value;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new ConfigError(`${label} at '${path}' cannot be read (${errorCode(err)})`);
  }
}

/** `echo secret > file` and editors add a final newline that is never part of the secret. */
function trimTrailingNewlines(text: string): string {
  return text.replace(/(\r?\n)+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** Reads a file named by a (non-secret) path variable, e.g. a TLS certificate. */
export function readPathVariable(raw: RawValue): Buffer {
  try {
    return readFileSync(raw.value);
  } catch (err) {
    throw new ConfigError(`${raw.label} points to '${raw.value}', which cannot be read (${errorCode(err)})`, raw.label);
  }
}
