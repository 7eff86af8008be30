/**
 * A fake HCP Terraform API on 127.0.0.1, for tests and the `demo` command; it never talks to the real HCP Terraform.
 * Tests inject faults through the `intercept` option (test/support/fake-terraform.ts). The endpoints TerraformClient
 * uses, JSON:API bodies
 * shaped like fixtures/terraform/*, bearer-token auth, pagination, scripted run outcomes and cancel/discard. Every
 * JSON body it builds is checked against the same schemas the client validates with, so a bug in the fake cannot
 * pass for an HCP Terraform answer.
 */
import type http from 'node:http';
import { LoopbackServer } from '../http/loopback-server';
import { deliver } from '../http/wire';
import { TerraformRunBook, renderPlan, renderRun, type RunEntry } from './runs';
import type {
  FakePlanCounts,
  FakeTerraform,
  FakeTerraformOptions,
  FakeTerraformRunInfo,
  FakeWorkspaceSpec,
  InterceptedTerraformRequest,
  RecordedTerraformRequest,
  RecordedTerraformTrigger,
  TerraformRunOutcome,
} from './types';
import {
  CONTENT_TYPE,
  SCHEMA_OF,
  assertWellFormed,
  errorReply,
  parseJson,
  readBody,
  route,
  type Payload,
  type Reply,
  type Routed,
} from './wire';

export type * from './types';

const DEFAULT_PAGE_SIZE = 20;

/** Listens on an ephemeral port of 127.0.0.1; invalid options reject. */
export async function startFakeTerraform(options: FakeTerraformOptions = {}): Promise<FakeTerraform> {
  return new FakeTerraformServer(options).listen();
}

class FakeTerraformServer implements FakeTerraform {
  url = '';
  readonly organization: string;
  readonly token: string;
  readonly requests: RecordedTerraformRequest[] = [];
  readonly triggers: RecordedTerraformTrigger[] = [];
  private readonly workspaces = new Map<string, FakeWorkspaceSpec & { id: string }>();
  private readonly book: TerraformRunBook;
  private readonly listeners: ((trigger: RecordedTerraformTrigger) => void)[] = [];
  private readonly intercept: FakeTerraformOptions['intercept'];
  private readonly loopback: LoopbackServer;
  private readonly now: () => number;
  private readonly pageSizeCap: number;
  private readonly runsOrder: 'newest-first' | 'oldest-first';
  private readonly username: string;

  constructor(options: FakeTerraformOptions) {
    this.organization = options.organization ?? 'acme';
    this.token = options.token ?? 'fake-tfc-token.atlasv1.0000000000';
    this.now = options.now ?? Date.now;
    this.pageSizeCap = options.pageSizeCap ?? 100;
    this.runsOrder = options.runsOrder ?? 'newest-first';
    this.username = options.username ?? 'api-team_fake';
    this.intercept = options.intercept;
    this.book = new TerraformRunBook(this.now, options.defaultRunOutcome);
    this.addWorkspaces(options.workspaces ?? []);
    for (const [workspace, outcome] of Object.entries(options.runOutcomes ?? {})) this.book.setOutcome(workspace, outcome);
    this.loopback = new LoopbackServer({ name: 'fake-terraform', contentType: CONTENT_TYPE }, (req, res) => this.handle(req, res));
  }

  async listen(): Promise<FakeTerraform> {
    this.url = await this.loopback.listen();
    return this;
  }

  triggerCount(workspace: string): number {
    return this.triggers.filter((t) => t.workspace === workspace).length;
  }

  addWorkspaces(specs: FakeWorkspaceSpec[]): void {
    for (const spec of specs) {
      const id = spec.id ?? `ws-FAKE${String(this.workspaces.size + 1).padStart(12, '0')}`;
      this.workspaces.set(spec.name, { ...spec, id, tags: [...(spec.tags ?? [])] });
    }
  }

  setRunOutcome(workspace: string, outcome: TerraformRunOutcome): void {
    this.book.setOutcome(workspace, outcome);
  }

  setRunStatus(runId: string, status: string, plan?: FakePlanCounts | null): void {
    this.book.setStatus(runId, status, plan);
  }

  runs(workspace?: string): FakeTerraformRunInfo[] {
    return this.book.info(workspace);
  }

  onTrigger(fn: (trigger: RecordedTerraformTrigger) => void): void {
    this.listeners.push(fn);
  }

  close(): Promise<void> {
    return this.loopback.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const routed = route(req.method ?? 'GET', url.pathname);
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    this.requests.push({ route: routed.route, method: req.method ?? '', path: url.pathname, query, authorization, at: this.now() });
    const workspaceOf = (): string | undefined => this.workspaceOf(routed, body);
    const request: InterceptedTerraformRequest = {
      route: routed.route,
      get workspace() {
        return workspaceOf();
      },
      healthy: () => this.answer(routed, query, body, authorization),
    };
    deliver(req, res, (await this.intercept?.(request)) ?? request.healthy(), CONTENT_TYPE);
  }

  /** The answer a healthy HCP Terraform would send, checked; performs side effects (create, poll, cancel ...). */
  private answer(routed: Routed, query: Record<string, string>, body: string, authorization: string | undefined): Reply {
    const reply = this.build(routed, query, body, authorization);
    assertWellFormed(routed.route, reply);
    return reply;
  }

  private build(routed: Routed, query: Record<string, string>, body: string, authorization: string | undefined): Reply {
    if (authorization !== `Bearer ${this.token}`) return errorReply(401);
    const { params } = routed;
    if (params.org !== undefined && params.org !== this.organization) return errorReply(404);
    switch (routed.route) {
      case 'accountDetails':
        return this.ok('accountDetails', {
          data: { id: 'user-FAKE000000000001', type: 'users', attributes: { username: this.username, 'is-service-account': true } },
        });
      case 'listWorkspaces':
        return this.listWorkspaces(query);
      case 'showWorkspace': {
        const workspace = this.workspaces.get(params.name ?? '');
        return workspace ? this.ok('showWorkspace', { data: this.renderWorkspace(workspace) }) : errorReply(404);
      }
      case 'createRun':
        return this.createRun(body);
      case 'getRun': {
        const entry = this.book.get(params.run ?? '');
        if (!entry) return errorReply(404);
        this.book.poll(entry);
        return this.ok('getRun', { data: renderRun(entry), ...(query.include === 'plan' ? { included: [renderPlan(entry)] } : {}) });
      }
      case 'listRuns':
        return this.listRuns(params.ws ?? '', query);
      case 'cancelRun':
      case 'discardRun': {
        const result = this.book.stop(routed.route === 'cancelRun' ? 'cancel' : 'discard', params.run ?? '');
        return result.ok ? { status: 202, raw: '' } : errorReply(result.status, result.detail);
      }
      case 'unknown':
        return errorReply(404, 'fake-terraform does not serve this path');
    }
  }

  private ok(routeName: keyof typeof SCHEMA_OF, payload: Payload, status = 200): Reply {
    return { status, payload, schema: SCHEMA_OF[routeName] };
  }

  private listWorkspaces(query: Record<string, string>): Reply {
    const size = Math.min(positive(query['page[size]']) ?? DEFAULT_PAGE_SIZE, this.pageSizeCap);
    const page = positive(query['page[number]']) ?? 1;
    const all = [...this.workspaces.values()];
    const totalPages = Math.max(1, Math.ceil(all.length / size));
    const data = all.slice((page - 1) * size, page * size).map((w) => this.renderWorkspace(w));
    const pagination = {
      'current-page': page,
      'page-size': size,
      'prev-page': page > 1 ? page - 1 : null,
      'next-page': page < totalPages ? page + 1 : null,
      'total-pages': totalPages,
      'total-count': all.length,
    };
    return this.ok('listWorkspaces', { data, links: {}, meta: { pagination } });
  }

  private createRun(body: string): Reply {
    const data = parseJson(body)?.data as Payload | undefined;
    const relationships = data?.relationships as { workspace?: { data?: { id?: unknown } } } | undefined;
    const workspaceId = relationships?.workspace?.data?.id;
    if (data?.type !== 'runs' || typeof workspaceId !== 'string') return errorReply(422, 'data.relationships.workspace is required');
    const workspace = [...this.workspaces.values()].find((w) => w.id === workspaceId);
    if (!workspace) return errorReply(404);
    const attributes = (data.attributes ?? {}) as { message?: unknown };
    const message = typeof attributes.message === 'string' ? attributes.message : 'Queued manually via the Terraform Enterprise API';
    const entry = this.book.create(workspace.name, workspace.id, message);
    this.recordTrigger(entry);
    return this.ok('createRun', { data: renderRun(entry) }, 201);
  }

  private listRuns(workspaceId: string, query: Record<string, string>): Reply {
    const workspace = [...this.workspaces.values()].find((w) => w.id === workspaceId);
    if (!workspace) return errorReply(404);
    const size = Math.min(positive(query['page[size]']) ?? DEFAULT_PAGE_SIZE, this.pageSizeCap);
    const page = positive(query['page[number]']) ?? 1;
    const all = this.book.list(workspace.name);
    const entries = all.slice((page - 1) * size, page * size);
    if (this.runsOrder === 'oldest-first') entries.reverse();
    const included = query.include === 'plan' ? { included: entries.map(renderPlan) } : {};
    const pagination = {
      'current-page': page,
      'page-size': size,
      'prev-page': page > 1 ? page - 1 : null,
      'next-page': page * size < all.length ? page + 1 : null,
    };
    return this.ok('listRuns', { data: entries.map(renderRun), ...included, meta: { pagination } });
  }

  private recordTrigger(entry: RunEntry): void {
    const trigger = { workspace: entry.workspace, runId: entry.id, at: this.now() };
    this.triggers.push(trigger);
    for (const listener of this.listeners) {
      try {
        listener({ ...trigger });
      } catch (err) {
        console.error('fake-terraform: an onTrigger listener threw:', err);
      }
    }
  }

  private renderWorkspace(workspace: FakeWorkspaceSpec & { id: string }): Payload {
    return {
      id: workspace.id,
      type: 'workspaces',
      attributes: {
        name: workspace.name,
        'tag-names': [...(workspace.tags ?? [])],
        'auto-apply': true,
        'execution-mode': 'remote',
        locked: false,
      },
      relationships: { organization: { data: { id: this.organization, type: 'organizations' } } },
      links: { self: `/api/v2/organizations/${this.organization}/workspaces/${workspace.name}` },
    };
  }

  /** The workspace a request is about (InterceptedTerraformRequest.workspace). */
  private workspaceOf(routed: Routed, body: string): string | undefined {
    const { params } = routed;
    if (params.name !== undefined) return params.name;
    if (params.run !== undefined) return this.book.get(params.run)?.workspace;
    const id = params.ws ?? (routed.route === 'createRun' ? createRunWorkspaceId(body) : undefined);
    return [...this.workspaces.values()].find((w) => w.id === id)?.name;
  }
}

function createRunWorkspaceId(body: string): string | undefined {
  const data = parseJson(body)?.data as { relationships?: { workspace?: { data?: { id?: unknown } } } } | undefined;
  const id = data?.relationships?.workspace?.data?.id;
  return typeof id === 'string' ? id : undefined;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
