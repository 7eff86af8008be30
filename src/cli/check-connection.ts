import type { Connection } from '@temporalio/client';
import { ConfigError } from '../config/errors';
import { loadConfig } from '../config/load-config';
import type { Config } from '../config/types';
import type { CommandContext } from './command-context';
import { quietLogger } from '../log/quiet-logger';
import { PlatformError } from '../platform/errors';
import { EXIT, type ExitCode } from './exit-codes';
import { SpaceliftCredentialsError, TemporalUnreachableError, TerraformCredentialsError } from '../service/errors';
import { connectClient } from '../service/connect-temporal';
import { reasonOf } from '../log/describe-error';
import { verifySpaceliftCredentials } from '../service/verify-spacelift';
import { createTerraformClient } from '../service/terraform-client';
import type { TerraformClient } from '../terraform/client';

const CALL_DEADLINE_MS = 5_000;
const PAGE_SIZE = 100;
const GRPC_PERMISSION_DENIED = 7;

/**
 * Prints every namespace Temporal reports (one per line) and, when Spacelift credentials are configured,
 * whether Spacelift accepts them. Any failure is one line on stderr (printed by main) and a distinct exit code.
 */
export async function runCheckConnection(context: CommandContext): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'check-connection' });
  const connection = await connectClient(config.temporal);
  try {
    const namespaces = await listNamespaces(connection, config);
    for (const name of namespaces) context.stdout(name);
    if (!namespaces.includes(config.temporal.namespace)) {
      throw new ConfigError(
        `namespace ${config.temporal.namespace} does not exist at ${config.temporal.address} (found: ${namespaces.join(', ') || 'none'})`,
        'TEMPORAL_NAMESPACE',
      );
    }
  } finally {
    await connection.close();
  }

  // One-line output is the contract here; client logs would only add noise unless asked for.
  const logger = quietLogger(config);
  if (config.spacelift) {
    const { endpoint } = config.spacelift;
    try {
      const { viewer } = await verifySpaceliftCredentials(config.spacelift, logger);
      context.stdout(`spacelift: credentials OK for ${endpoint} (viewer ${viewer})`);
    } catch (err) {
      if (err instanceof SpaceliftCredentialsError) throw err;
      throw new Error(`cannot reach Spacelift at ${endpoint}: ${reasonOf(err)}`, { cause: err });
    }
  }
  if (config.terraform) {
    const { url, organization } = config.terraform;
    const terraform = createTerraformClient(config, logger) as TerraformClient;
    try {
      const { viewer } = await terraform.verifyCredentials();
      context.stdout(`terraform: token OK for ${url} organization ${organization}${viewer ? ` (user ${viewer})` : ''}`);
    } catch (err) {
      if (err instanceof PlatformError && (err.kind === 'auth' || err.kind === 'not_found'))
        throw new TerraformCredentialsError(url, organization, reasonOf(err), { cause: err });
      throw new Error(`cannot reach HCP Terraform at ${url}: ${reasonOf(err)}`, { cause: err });
    } finally {
      await terraform.close();
    }
  }
  return EXIT.ok;
}

/** All pages; a key scoped to one namespace may not list them all, so fall back to describing ours. */
async function listNamespaces(connection: Connection, config: Config): Promise<string[]> {
  const { address, namespace } = config.temporal;
  const names: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  try {
    do {
      const page = await connection.withDeadline(Date.now() + CALL_DEADLINE_MS, () =>
        connection.workflowService.listNamespaces({ pageSize: PAGE_SIZE, ...(nextPageToken ? { nextPageToken } : {}) }),
      );
      for (const ns of page.namespaces ?? []) if (ns.namespaceInfo?.name) names.push(ns.namespaceInfo.name);
      nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return names;
  } catch (err) {
    if ((err as { code?: unknown }).code !== GRPC_PERMISSION_DENIED) {
      throw new TemporalUnreachableError(address, namespace, `listNamespaces failed: ${reasonOf(err)}`, { cause: err });
    }
  }
  try {
    const described = await connection.withDeadline(Date.now() + CALL_DEADLINE_MS, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
    return [described.namespaceInfo?.name ?? namespace];
  } catch (err) {
    throw new TemporalUnreachableError(address, namespace, `describeNamespace failed: ${reasonOf(err)}`, { cause: err });
  }
}
