import { ConfigError } from './errors';
import { parseBoolean, parseHostPort, parseName } from './parse-values';
import { readPathVariable, type RawValue } from './read-secret';
import type { Reader } from './reader';
import type { TemporalConfig } from './types';

export function loadTemporalConfig(read: Reader): TemporalConfig {
  const address = parseHostPort(read.orDefault('TEMPORAL_URL'));
  const namespace = parseName(read.orDefault('TEMPORAL_NAMESPACE'));
  const taskQueue = parseName(read.orDefault('TEMPORAL_TASK_QUEUE'));
  const tlsSwitch = read.get('TEMPORAL_TLS');
  const tlsOn = tlsSwitch ? parseBoolean(tlsSwitch) : undefined;
  const ca = read.get('TEMPORAL_TLS_CA_FILE');
  const cert = read.get('TEMPORAL_TLS_CERT_FILE');
  const key = read.get('TEMPORAL_TLS_KEY_FILE');
  const serverName = read.get('TEMPORAL_TLS_SERVER_NAME');
  const apiKey = read.get('TEMPORAL_API_KEY')?.value.trim();

  if (cert && !key)
    throw new ConfigError('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE must be set together: TEMPORAL_TLS_KEY_FILE is missing');
  if (key && !cert)
    throw new ConfigError('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE must be set together: TEMPORAL_TLS_CERT_FILE is missing');

  const tlsSettings = [ca, cert, key, serverName].filter((raw): raw is RawValue => raw !== undefined);
  if (tlsOn === false) {
    // An explicit "false" next to TLS material is contradictory; guessing which one was meant would be worse.
    if (tlsSettings.length > 0)
      throw new ConfigError(`TEMPORAL_TLS is false but ${tlsSettings.map((raw) => raw.label).join(', ')} is set`, 'TEMPORAL_TLS');
    if (apiKey) throw new ConfigError('TEMPORAL_API_KEY requires TLS, but TEMPORAL_TLS is false', 'TEMPORAL_TLS');
  }

  const useTls = tlsOn === true || tlsSettings.length > 0 || Boolean(apiKey);
  return {
    address,
    namespace,
    taskQueue,
    ...(useTls
      ? {
          tls: {
            ...(serverName ? { serverNameOverride: serverName.value.trim() } : {}),
            ...(ca ? { serverRootCACertificate: readPathVariable(ca) } : {}),
            ...(cert && key ? { clientCert: readPathVariable(cert), clientKey: readPathVariable(key) } : {}),
          },
        }
      : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}
