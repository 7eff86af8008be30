import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConfig } from '../config/types';

/** Options shared by the client Connection and the worker's NativeConnection. */
export function connectionOptions(config: TemporalConfig): ConnectionOptions & NativeConnectionOptions {
  const tls =
    config.tls || config.apiKey
      ? {
          ...(config.tls?.serverNameOverride ? { serverNameOverride: config.tls.serverNameOverride } : {}),
          ...(config.tls?.serverRootCACertificate ? { serverRootCACertificate: config.tls.serverRootCACertificate } : {}),
          ...(config.tls?.clientCert && config.tls.clientKey
            ? { clientCertPair: { crt: config.tls.clientCert, key: config.tls.clientKey } }
            : {}),
        }
      : undefined;
  return {
    address: config.address,
    ...(tls ? { tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}
