import { ConfigError } from './errors';
import { parseName } from './parse-values';
import type { RawValue } from './read-secret';
import type { Reader } from './reader';
import type { TracingConfig } from './types';

/** The standard OTLP/HTTP path of the traces signal, appended to OTEL_EXPORTER_OTLP_ENDPOINT as the spec says. */
const TRACES_PATH = '/v1/traces';

/** Undefined unless OTEL_EXPORTER_OTLP_ENDPOINT is set: tracing is off by default. */
export function loadTracingConfig(read: Reader): TracingConfig | undefined {
  const endpoint = read.get('OTEL_EXPORTER_OTLP_ENDPOINT');
  const headers = read.get('OTEL_EXPORTER_OTLP_HEADERS');
  const serviceName = parseName(read.orDefault('OTEL_SERVICE_NAME'));
  if (!endpoint) {
    if (headers)
      throw new ConfigError('OTEL_EXPORTER_OTLP_HEADERS is set but OTEL_EXPORTER_OTLP_ENDPOINT is not', 'OTEL_EXPORTER_OTLP_ENDPOINT');
    return undefined;
  }
  return { tracesUrl: `${parseEndpoint(endpoint)}${TRACES_PATH}`, serviceName, headers: headers ? parseHeaders(headers) : {} };
}

/** An http(s) base URL; a credential belongs in OTEL_EXPORTER_OTLP_HEADERS, so user:password is refused unquoted. */
function parseEndpoint(raw: RawValue): string {
  const value = raw.value.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) {
    throw new ConfigError(`${raw.label} must not carry user:password; put credentials in OTEL_EXPORTER_OTLP_HEADERS`, raw.label);
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(`${raw.label} must be an http(s) URL such as http://otel-collector:4318, got '${raw.value}'`, raw.label);
  }
  return value.replace(/\/+$/, '');
}

/**
 * `api-key=abc,x-team=ops` → { 'api-key': 'abc', 'x-team': 'ops' }, values URL-decoded (the OTel spec's format).
 * The values are secrets: an error names the entry by position only.
 */
function parseHeaders(raw: RawValue): Record<string, string> {
  const headers: Record<string, string> = {};
  raw.value.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    let value: string | undefined;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      value = undefined;
    }
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || !value) {
      throw new ConfigError(`${raw.label} must be key=value pairs separated by commas; entry ${index + 1} is not`, raw.label);
    }
    headers[name.toLowerCase()] = value;
  });
  return headers;
}
