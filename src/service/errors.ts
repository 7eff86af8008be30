/** The failures that stop the service from starting; each has its own exit code (src/cli/exit-codes.ts). */

/** Temporal could not be reached (or refused us) at the configured address. */
export class TemporalUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly namespace: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach Temporal at ${address} (namespace ${namespace}): ${reason}`, options);
    this.name = 'TemporalUnreachableError';
  }
}

/** Spacelift answered, but does not accept the configured API key. */
export class SpaceliftCredentialsError extends Error {
  constructor(
    readonly endpoint: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Spacelift rejected the API key for ${endpoint}: ${reason}`, options);
    this.name = 'SpaceliftCredentialsError';
  }
}

/** HCP Terraform refused TFC_TOKEN (or cannot see the organization with it): the same exit code as Spacelift's. */
export class TerraformCredentialsError extends Error {
  constructor(url: string, organization: string, reason: string, options?: { cause?: unknown }) {
    super(`HCP Terraform at ${url} did not accept TFC_TOKEN for organization ${organization}: ${reason}`, options);
    this.name = 'TerraformCredentialsError';
  }
}
