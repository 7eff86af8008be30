/**
 * A fake Spacelift GraphQL server on 127.0.0.1, for tests and for the `demo` command; it never talks to the real
 * Spacelift. Tests inject faults through the `intercept` option (test/support/fake-spacelift.ts). No GraphQL parser: an
 * operation is recognised by its root field in the query text, and only `variables` are read. Every answer it
 * builds is checked against the same JSON Schemas the client uses (and shaped like fixtures/spacelift/*), so fake,
 * fixtures and client agree.
 */
import type http from 'node:http';
import { LoopbackServer } from '../http/loopback-server';
import { deliver } from '../http/wire';
import type { RunDelta } from '../../platform/types';
import { RunBook, type RunPaging } from './runs';
import type {
  FakeRunInfo,
  FakeSpacelift,
  FakeSpaceliftOptions,
  FakeStackSpec,
  InterceptedRequest,
  RecordedRequest,
  RecordedTrigger,
  RunOutcome,
} from './types';
import {
  CONTENT_TYPE,
  assertWellFormed,
  decodeCursor,
  encodeCursor,
  errorPayload,
  isRecord,
  matchesPredicates,
  parseJson,
  readBody,
  recognise,
  send,
  type Operation,
  type Payload,
} from './wire';

export type {
  FakeRunInfo,
  FakeSpacelift,
  FakeSpaceliftOptions,
  FakeStackSpec,
  InterceptedRequest,
  RecordedRequest,
  RecordedTrigger,
  RunOutcome,
} from './types';
export { loadFixtureAccount } from './fixture-account';

/** Listens on an ephemeral port of 127.0.0.1; invalid options reject. */
export async function startFakeSpacelift(options: FakeSpaceliftOptions = {}): Promise<FakeSpacelift> {
  return new FakeServer(options).listen();
}

class FakeServer implements FakeSpacelift {
  url = '';
  readonly apiKeyId: string;
  readonly apiKeySecret: string;
  readonly requests: RecordedRequest[] = [];
  readonly triggers: RecordedTrigger[] = [];
  private readonly stacks = new Map<string, FakeStackSpec>();
  private readonly book: RunBook;
  private readonly triggerListeners: ((trigger: RecordedTrigger) => void)[] = [];
  private readonly tokens = new Map<string, number>();
  private readonly intercept: FakeSpaceliftOptions['intercept'];
  private readonly loopback: LoopbackServer;
  private readonly now: () => number;
  private readonly ttlSeconds: number;
  private readonly pageSizeCap: number;
  private readonly runPaging: RunPaging;
  private issued = 0;

  constructor(options: FakeSpaceliftOptions) {
    this.apiKeyId = options.apiKeyId ?? 'FAKEKEYID00000000000000000';
    this.apiKeySecret = options.apiKeySecret ?? 'fake-api-key-secret';
    this.now = options.now ?? Date.now;
    this.ttlSeconds = options.tokenTtlSeconds ?? 3600;
    this.pageSizeCap = options.pageSizeCap ?? 50;
    this.intercept = options.intercept;
    this.runPaging = { pageSize: options.runsPageSize ?? 50, order: options.runsOrder ?? 'newest-first' };
    if (!Number.isInteger(this.runPaging.pageSize) || this.runPaging.pageSize < 1) {
      throw new Error(`fake-spacelift: runsPageSize must be a positive integer, got ${this.runPaging.pageSize}`);
    }
    this.book = new RunBook(() => this.seconds(), ownTriggeredBy(this.apiKeyId, options), options.defaultRunOutcome);
    this.addStacks(options.stacks ?? []);
    this.loopback = new LoopbackServer({ name: 'fake-spacelift', contentType: CONTENT_TYPE }, (req, res) => this.handle(req, res));
  }

  async listen(): Promise<FakeSpacelift> {
    this.url = await this.loopback.listen();
    return this;
  }

  triggerCount(stackId: string): number {
    return this.triggers.filter((trigger) => trigger.stackId === stackId).length;
  }

  addStacks(specs: FakeStackSpec[]): void {
    for (const spec of specs) this.stacks.set(spec.id, spec);
  }

  removeStacks(ids: string[]): void {
    for (const id of ids) this.stacks.delete(id);
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  setRunState(runId: string, state: string, delta?: RunDelta | null): void {
    this.book.setState(runId, state, delta);
  }

  setRunOutcome(stackId: string, outcome: RunOutcome): void {
    this.book.setOutcome(stackId, outcome);
  }

  runs(stackId?: string): FakeRunInfo[] {
    return this.book.info(stackId);
  }

  addRun(stackId: string, run: { triggeredBy?: string | null; createdAt?: number; state?: string } = {}): string {
    const stack = this.stacks.get(stackId);
    if (!stack) throw new Error(`fake-spacelift: no stack ${stackId}`);
    return String(this.book.create(stack, run).id);
  }

  onTrigger(fn: (trigger: RecordedTrigger) => void): void {
    this.triggerListeners.push(fn);
  }

  close(): Promise<void> {
    return this.loopback.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.url !== '/graphql') return void send(res, { status: 404, raw: 'not found' });
    if (req.method !== 'POST') return void send(res, { status: 405, raw: 'method not allowed' });
    const parsed = parseJson(await readBody(req));
    if (!parsed) return void send(res, { status: 400, raw: '{"errors":[{"message":"invalid JSON body"}]}' });
    const query = typeof parsed.query === 'string' ? parsed.query : '';
    const variables = isRecord(parsed.variables) ? parsed.variables : {};
    const operation = recognise(query);
    this.requests.push({ operation, variables, authorization: req.headers.authorization, at: this.now() });
    const request: InterceptedRequest = {
      operation,
      variables,
      healthy: () => this.answer(operation, variables, req.headers.authorization),
    };
    deliver(req, res, (await this.intercept?.(request)) ?? { status: 200, payload: request.healthy() }, CONTENT_TYPE);
  }

  /** The payload a healthy Spacelift would send, checked; performs side effects (runTrigger creates a run, etc.). */
  private answer(operation: Operation, variables: Payload, authorization: string | undefined): Payload {
    const payload = this.build(operation, variables, authorization);
    assertWellFormed(operation, payload);
    return payload;
  }

  private build(operation: Operation, variables: Payload, authorization: string | undefined): Payload {
    if (operation === 'unknown') return { errors: [{ message: 'fake-spacelift does not know this query' }], data: null };
    if (operation === 'apiKeyUser') return this.exchange(variables);
    if (!this.authorized(authorization)) return errorPayload('unauthorized', operation);
    const stackId = typeof variables.stack === 'string' ? variables.stack : '';
    const stack = this.stacks.get(stackId);
    switch (operation) {
      case 'searchStacks':
        return this.search(isRecord(variables.input) ? variables.input : {});
      case 'runTrigger':
        return stack ? { data: { runTrigger: this.trigger(stack) } } : errorPayload(`not found: stack ${stackId}`, operation);
      case 'runCancel':
      case 'runDiscard': {
        if (!stack) return errorPayload(`not found: stack ${stackId}`, operation);
        const result = this.book.stop(operation === 'runCancel' ? 'cancel' : 'discard', stackId, variables.run);
        return 'error' in result ? errorPayload(result.error, operation) : { data: { [operation]: result.run } };
      }
      case 'getRun':
        return {
          data: {
            stack: stack ? { id: stack.id, run: this.book.poll(stackId, typeof variables.run === 'string' ? variables.run : '') } : null,
          },
        };
      case 'listRuns':
        return { data: { stack: stack ? { id: stack.id, runs: this.book.list(stackId, variables.before, this.runPaging) } : null } };
      case 'viewer':
        return { data: { viewer: { id: `api::${this.apiKeyId}`, name: 'spacelift-cascade (fake)' } } };
    }
  }

  private trigger(stack: FakeStackSpec): Payload {
    const run = this.book.create(stack);
    const trigger = { stackId: stack.id, runId: String(run.id), at: this.now() };
    this.triggers.push(trigger);
    for (const listener of this.triggerListeners) {
      try {
        listener({ ...trigger });
      } catch (err) {
        console.error('fake-spacelift: an onTrigger listener threw:', err);
      }
    }
    return run;
  }

  private exchange(variables: Payload): Payload {
    if (variables.id !== this.apiKeyId) return { data: { apiKeyUser: null } };
    if (variables.secret !== this.apiKeySecret) return errorPayload('unauthorized', 'apiKeyUser');
    this.issued += 1;
    const validUntil = this.seconds() + this.ttlSeconds;
    const claims = Buffer.from(JSON.stringify({ sub: `api::${this.apiKeyId}`, n: this.issued, exp: validUntil }));
    const jwt = `eyJhbGciOiJub25lIn0.${claims.toString('base64url')}.fake-signature-${this.issued}`;
    this.tokens.set(jwt, validUntil);
    return { data: { apiKeyUser: { id: this.apiKeyId, jwt, validUntil } } };
  }

  private authorized(header: string | undefined): boolean {
    const jwt = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const validUntil = jwt === undefined ? undefined : this.tokens.get(jwt);
    return validUntil !== undefined && this.now() < validUntil * 1000;
  }

  /**
   * `first` (capped), opaque base64url offset cursors, and the `label` predicate. stringMatches is treated as an
   * EXACT label match: whether the real server does exact, prefix or substring matching is unconfirmed, which is
   * why the client re-checks every candidate with parseDependsOn.
   */
  private search(input: Payload): Payload {
    const first = Math.min(typeof input.first === 'number' && input.first > 0 ? input.first : this.pageSizeCap, this.pageSizeCap);
    const offset = input.after === undefined || input.after === null ? 0 : decodeCursor(input.after);
    if (offset === undefined) return errorPayload('invalid cursor', 'searchStacks');
    const matches = [...this.stacks.values()].filter((stack) => matchesPredicates(stack, input.predicates));
    const page = matches.slice(offset, offset + first);
    const end = offset + page.length;
    const edges = page.map((stack) => ({ node: this.node(stack) }));
    const pageInfo = {
      endCursor: page.length > 0 ? encodeCursor(end) : null,
      hasNextPage: end < matches.length,
      hasPreviousPage: offset > 0,
    };
    return { data: { searchStacks: { edges, pageInfo } } };
  }

  private node(stack: FakeStackSpec): Payload {
    return {
      id: stack.id,
      name: or(stack.name, stack.id),
      labels: or(stack.labels, []),
      state: or(stack.state, 'NONE'),
      isDisabled: or(stack.isDisabled, false),
      lockedBy: or(stack.lockedBy, null),
      branch: or(stack.branch, 'main'),
      administrative: false,
      space: 'root',
      attachedContexts: or(stack.attachedContexts, []),
    };
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** The spec's value, null included; the default only when the spec leaves the field out. */
function or<T, D>(value: T | undefined, fallback: D): T | D {
  return value === undefined ? fallback : value;
}

/**
 * The triggeredBy the fake stamps on runs our key triggers: `api::<key ID>`, or the shortened form Spacelift's run
 * details show since 2025-09-16 (user-documentation docs/product/changelog.md: `api::01K56PK::DevopsSpaceKey`).
 */
function ownTriggeredBy(apiKeyId: string, options: FakeSpaceliftOptions): string {
  if ((options.triggeredByForm ?? 'full') === 'full') return `api::${apiKeyId}`;
  return `api::${apiKeyId.slice(0, 7)}::${options.apiKeyName ?? 'spacelift-cascade'}`;
}
