/**
 * HCP Terraform / Terraform Enterprise client: the second adapter of the platform port (src/platform/types.ts).
 * JSON:API over one keep-alive undici Pool, a bearer token, typed errors and validated responses. Units are
 * workspaces, named natively by their workspace name; the run they carry is mapped onto the Spacelift-shaped Run.
 * Like SpaceliftClient it never retries by itself: Temporal's retry policy owns retries, because creating a run is
 * not idempotent and only the activity knows how to look for an earlier one (listRunsSince + ownsTrigger).
 */
import { Pool, type Dispatcher } from 'undici';
import { silentLogger, type Logger } from '../log/logger';
import { collectRunsSince, type RunPage } from '../platform/runs-since';
import type { PlatformApi } from '../platform/types';
import type { Run, Stack } from '../platform/types';
import { TerraformNotFoundError, TerraformRejectedError, type TerraformErrorContext } from './errors';
import { runFromResource, stackFromWorkspace } from './mapping';
import { TERRAFORM_RUN_MESSAGE, TERRAFORM_TRIGGERED_BY, stopRuleOf, type StopRule } from './states';
import { TerraformTransport, describe, type TransportOptions } from './transport';
import type {
  AccountDetailsResponse,
  RunListResponse,
  RunShowResponse,
  WorkspaceListResponse,
  WorkspaceResource,
  WorkspaceShowResponse,
} from './types';

export interface TerraformClientOptions {
  /** https://app.terraform.io (default) or a Terraform Enterprise URL; "/api/v2" is appended. */
  baseUrl?: string;
  /** A user or team API token. Organization tokens cannot create runs. Never logged nor put in error messages. */
  token: string;
  organization: string;
  timeoutMs?: number;
  /** Workspaces per page when listing (1..100, default 100: the API's maximum). */
  pageSize?: number;
  logger?: Logger;
  /** Use this instead of the client's own Pool (it is then not closed by close()). */
  dispatcher?: Dispatcher;
}

export const DEFAULT_TERRAFORM_URL = 'https://app.terraform.io';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 100;
/** listRunsSince reads pages of 20 runs, at most 5: the list endpoint is limited to 30 requests per minute. */
const RUN_PAGE_SIZE = 20;
const MAX_RUN_PAGES = 5;
/** The comment recorded on runs this service cancels or discards. */
export const TERRAFORM_STOP_COMMENT = 'cancelled by spacelift-cascade';
type StopAction = 'cancel' | 'discard';
/** Why cancelRun leaves a run alone, by its status's stop rule (src/terraform/states.ts). */
const LEFT_ALONE: Readonly<Record<Exclude<StopRule, StopAction | 'stopped'> | 'unknown', string>> = {
  'apply-started': 'its apply has been confirmed or has started',
  ended: 'it has ended',
  leave: 'it is a health assessment',
  unknown: 'this service does not know that status, so it leaves the run alone',
};

export class TerraformClient implements PlatformApi {
  readonly organization: string;
  private readonly transport: TerraformTransport;
  private readonly pageSize: number;
  private readonly log: Logger;
  /** Workspace name → ID, filled by listings and lookups; an entry is dropped when its ID answers 404. */
  private readonly workspaceIds = new Map<string, string>();

  constructor(options: TerraformClientOptions) {
    const url = parseBaseUrl(options.baseUrl ?? DEFAULT_TERRAFORM_URL);
    if (!options.token) throw new Error('HCP Terraform token must not be empty');
    if (!options.organization) throw new Error('HCP Terraform organization must not be empty');
    const timeoutMs = positiveInt('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.pageSize = positiveInt('pageSize', options.pageSize ?? DEFAULT_PAGE_SIZE);
    if (this.pageSize > MAX_PAGE_SIZE) throw new Error(`HCP Terraform pageSize must be at most ${MAX_PAGE_SIZE}, got ${this.pageSize}`);
    this.organization = options.organization;
    this.log = options.logger ?? silentLogger;
    const transportOptions: TransportOptions = {
      origin: url.origin,
      apiPath: url.pathname.replace(/\/+$/, '') + '/api/v2',
      token: options.token,
      timeoutMs,
      logger: this.log,
      dispatcher: options.dispatcher ?? new Pool(url.origin, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
      ownsDispatcher: options.dispatcher === undefined,
    };
    this.transport = new TerraformTransport(transportOptions);
  }

  /**
   * Every workspace of the organization: callers confirm dependents by parsing the tags. The API's search[tags]
   * filter is exact-match on the whole tag, and tags are stored lower-cased, so a server-side filter would miss
   * `dependsOn:` tags written with other spellings; scanning is the safe choice.
   */
  async listCandidateDependents(workspace: string): Promise<Stack[]> {
    return this.scanOrganization({ operation: 'listWorkspaces', stackId: workspace });
  }

  /** Every workspace of the organization. `onPage` hears the running count after each page. */
  async listAllStacks(onPage?: (count: number) => void): Promise<Stack[]> {
    return this.scanOrganization({ operation: 'listWorkspaces' }, onPage);
  }

  async triggerRun(workspace: string): Promise<Run> {
    const context = { operation: 'createRun', stackId: workspace };
    const workspaceId = await this.workspaceId(workspace);
    const body = {
      data: {
        type: 'runs',
        attributes: { message: TERRAFORM_RUN_MESSAGE },
        relationships: { workspace: { data: { type: 'workspaces', id: workspaceId } } },
      },
    };
    const reply = await this.withWorkspaceId(workspace, () =>
      this.transport.call<RunShowResponse>('POST', '/runs', 'run-show', context, body),
    );
    this.log.info('terraform run created', { workspace, runId: reply.data.id });
    return runFromResource(reply.data, reply.included);
  }

  async getRun(workspace: string, runId: string): Promise<Run> {
    const { run } = await this.readRun(workspace, runId, 'getRun');
    return run;
  }

  /** Runs carry our message marker (TERRAFORM_RUN_MESSAGE), which runFromResource turns into TERRAFORM_TRIGGERED_BY. */
  ownsTrigger(triggeredBy: string | null | undefined): boolean {
    return triggeredBy === TERRAFORM_TRIGGERED_BY;
  }

  /**
   * The workspace's runs created at or after `since` (epoch seconds), plan included for delta. The list's order is
   * not documented, so pages (`meta.pagination.next-page`) are read while they hold such runs, up to 5.
   */
  async listRunsSince(workspace: string, since: number): Promise<Run[]> {
    const context = { operation: 'listRuns', stackId: workspace };
    const workspaceId = await this.workspaceId(workspace);
    const fetchPage = async (page: number): Promise<RunPage<number>> => {
      const path = `/workspaces/${encodeURIComponent(workspaceId)}/runs?${pageQuery(page, RUN_PAGE_SIZE)}&include=plan`;
      const reply = await this.withWorkspaceId(workspace, () => this.transport.call<RunListResponse>('GET', path, 'run-list', context));
      const next = reply.meta?.pagination?.['next-page'] ?? null;
      return {
        runs: reply.data.map((resource) => runFromResource(resource, reply.included)),
        next: next !== null && next > page ? next : undefined,
      };
    };
    const { runs, complete } = await collectRunsSince(since, 1, fetchPage, MAX_RUN_PAGES);
    if (!complete)
      this.log.warn('terraform runs since the trigger decision fill more pages than are read', { ...context, since, pages: MAX_RUN_PAGES });
    return runs;
  }

  /**
   * Stops a run that has not started applying: discard while it waits for confirmation, a decision or priority
   * (pending, planned, policy_checked ...), cancel while it is being planned. A run whose apply is confirmed or
   * running, a final run, and a run in a status this service does not know are refused (non-retryable) without
   * sending anything. When HCP Terraform answers 409 the other action is tried, then the run is read back:
   * already canceled/discarded (an earlier attempt whose answer was lost) resolves with it, anything else is a
   * TerraformRejectedError naming its status. The action is queued by HCP Terraform, so the run returned may still
   * show the status it had; the run monitor sees the final one.
   */
  async cancelRun(workspace: string, runId: string): Promise<Run> {
    const first = await this.readRun(workspace, runId, 'cancelRun');
    const rule = stopRuleOf(first.status);
    if (rule === 'stopped') return first.run;
    const refuse = (status: string, why: string): never => {
      throw new TerraformRejectedError(`run ${runId} on workspace ${workspace} could not be stopped: it is ${status} (${why})`, {
        operation: 'cancelRun',
        stackId: workspace,
        runId,
      });
    };
    if (rule !== 'discard' && rule !== 'cancel') return refuse(first.status, LEFT_ALONE[rule]);
    const preferred: StopAction = rule;
    const refusals: string[] = [];
    for (const action of [preferred, preferred === 'discard' ? 'cancel' : 'discard'] as const) {
      const refusal = await this.stop(action, workspace, runId);
      if (refusal === undefined) return (await this.readRun(workspace, runId, 'cancelRun')).run;
      refusals.push(`${action}: ${refusal}`);
    }
    const after = await this.readRun(workspace, runId, 'cancelRun');
    if (stopRuleOf(after.status) === 'stopped') return after.run;
    return refuse(after.status, refusals.join('; '));
  }

  /** The token's user (a service user for team tokens), after proving the organization is visible to it. */
  async verifyCredentials(): Promise<{ viewer: string | null }> {
    const account = await this.transport.call<AccountDetailsResponse>('GET', '/account/details', 'account-details', {
      operation: 'accountDetails',
    });
    await this.listPage(1, 1, { operation: 'listWorkspaces' });
    return { viewer: account.data.attributes.username || null };
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** One stop action: undefined when accepted (202), the server's reason when refused with 409. */
  private async stop(action: StopAction, workspace: string, runId: string): Promise<string | undefined> {
    const context = { operation: action === 'cancel' ? 'cancelRun' : 'discardRun', stackId: workspace, runId };
    const path = `/runs/${encodeURIComponent(runId)}/actions/${action}`;
    try {
      await this.transport.call('POST', path, undefined, context, { comment: TERRAFORM_STOP_COMMENT });
      this.log.info(`terraform run ${action} queued`, { workspace, runId });
      return undefined;
    } catch (err) {
      if (err instanceof TerraformRejectedError && err.context.status === 409) return err.message;
      throw err;
    }
  }

  private async readRun(workspace: string, runId: string, operation: string): Promise<{ run: Run; status: string }> {
    const context = { operation, stackId: workspace, runId };
    const workspaceId = await this.workspaceId(workspace);
    const reply = await this.transport.call<RunShowResponse>('GET', `/runs/${encodeURIComponent(runId)}?include=plan`, 'run-show', context);
    const owner = reply.data.relationships?.workspace?.data?.id;
    if (owner !== undefined && owner !== workspaceId) {
      // Either the run is another workspace's, or the cached ID is stale (workspace recreated): look it up again next time.
      this.workspaceIds.delete(workspace);
      throw new TerraformNotFoundError(`run ${runId} not found on workspace ${workspace} (it belongs to workspace ID ${owner})`, context);
    }
    return { run: runFromResource(reply.data, reply.included), status: reply.data.attributes.status };
  }

  private async workspaceId(workspace: string): Promise<string> {
    const cached = this.workspaceIds.get(workspace);
    if (cached !== undefined) return cached;
    const context = { operation: 'showWorkspace', stackId: workspace };
    const path = `/organizations/${encodeURIComponent(this.organization)}/workspaces/${encodeURIComponent(workspace)}`;
    try {
      const reply = await this.transport.call<WorkspaceShowResponse>('GET', path, 'workspace-show', context);
      this.remember(reply.data);
      return reply.data.id;
    } catch (err) {
      if (!(err instanceof TerraformNotFoundError)) throw err;
      throw new TerraformNotFoundError(
        `workspace ${workspace} not found in organization ${this.organization} (or not visible to this token)`,
        err.context,
      );
    }
  }

  /** Runs `fn`; a 404 drops the cached workspace ID (the workspace may have been recreated) before rethrowing. */
  private async withWorkspaceId<T>(workspace: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TerraformNotFoundError) this.workspaceIds.delete(workspace);
      throw err;
    }
  }

  private async scanOrganization(context: TerraformErrorContext, onPage?: (count: number) => void): Promise<Stack[]> {
    const stacks: Stack[] = [];
    for (let page: number | null = 1; page !== null;) {
      const reply: WorkspaceListResponse = await this.listPage(page, this.pageSize, context);
      for (const resource of reply.data) stacks.push(stackFromWorkspace(resource));
      onPage?.(stacks.length);
      const next = reply.meta.pagination['next-page'];
      // A server that keeps answering the same page would otherwise keep us paging forever.
      if (next !== null && next <= page) {
        throw new TerraformRejectedError(`${describe(context)} pagination stuck: page ${page} says the next page is ${next}`, context);
      }
      page = next;
    }
    return stacks;
  }

  private async listPage(page: number, size: number, context: TerraformErrorContext): Promise<WorkspaceListResponse> {
    const path = `/organizations/${encodeURIComponent(this.organization)}/workspaces?${pageQuery(page, size)}`;
    try {
      const reply = await this.transport.call<WorkspaceListResponse>('GET', path, 'workspace-list', context);
      for (const resource of reply.data) this.remember(resource);
      return reply;
    } catch (err) {
      if (!(err instanceof TerraformNotFoundError)) throw err;
      throw new TerraformNotFoundError(`organization ${this.organization} not found (or not visible to this token)`, err.context);
    }
  }

  private remember(resource: WorkspaceResource): void {
    this.workspaceIds.set(resource.attributes.name, resource.id);
  }
}

function pageQuery(page: number, size: number): string {
  return `page%5Bnumber%5D=${page}&page%5Bsize%5D=${size}`;
}

function parseBaseUrl(baseUrl: string): URL {
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (url?.protocol === 'https:' || url?.protocol === 'http:') return url;
  throw new Error(`HCP Terraform URL must be an http(s) URL, got '${baseUrl}'`);
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`HCP Terraform ${name} must be a positive integer, got ${value}`);
  return value;
}
