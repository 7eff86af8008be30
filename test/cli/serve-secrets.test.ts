// Secrets never reach the logs or the audit log: `serve` at LOG_LEVEL=debug runs a whole cascade (dev server, fake
// Spacelift, signed webhook, Slack and signed JSON notifications that are first refused with a 500, audit log),
// then every configured secret is searched for in stdout, stderr, the audit log and the workflow's result.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CascadeStatus } from '../../src/workflows/cascade-types';
import { signPayload } from '../../src/webhook';
import { loadFixtureAccount, startFakeSpacelift } from '../support/fake-spacelift';
import { startNotifyReceiver } from '../support/notify-receiver';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { freePort } from './free-port';
import { cliEnv, REPO, startCli } from './run-cli';

const API_KEY_SECRET = 'ApiKeySecret-0b7c9e1f4a2d';
const WEBHOOK_SECRET = 'WebhookSecret-5e8a3c6b1d9f';
const NOTIFY_SECRET = 'NotifySecret-2f4d6b8a0c1e';
const SLACK_TOKEN = 'SlackUrlToken-9a1c3e5b7d2f';
const WORKFLOW_ID = 'cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001';
const body = readFileSync(join(REPO, 'fixtures', 'webhooks', 'run-finished-tracked.json'));

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

t.test('serve at LOG_LEVEL=debug through a full cascade: no configured secret in any output', async (t) => {
  const env: TestWorkflowEnvironment = await createDevEnv();
  t.teardown(() => env.teardown());
  const fake = await startFakeSpacelift({
    stacks: loadFixtureAccount(),
    apiKeySecret: API_KEY_SECRET,
    defaultRunOutcome: { state: 'FINISHED', delta: null },
  });
  t.teardown(() => fake.close());
  const hook = await startNotifyReceiver({ secret: NOTIFY_SECRET });
  const slack = await startNotifyReceiver({ path: `/services/T0000/B0000/${SLACK_TOKEN}` });
  t.teardown(() => Promise.all([hook.close(), slack.close()]));
  // Refused once each, so the error paths (activity failure, retry) are in the logs too.
  hook.answerWith(500);
  slack.answerWith(500);
  const auditPath = join(mkdtempSync(join(tmpdir(), 'serve-secrets-')), 'audit.jsonl');
  const port = await freePort();

  const cli = await startCli(
    t,
    ['serve', '--webhook-host', '127.0.0.1', '--webhook-port', String(port)],
    cliEnv({
      LOG_LEVEL: 'debug',
      TEMPORAL_URL: env.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('serve-secrets'),
      SPACELIFT_API_ENDPOINT: fake.url,
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: API_KEY_SECRET,
      SPACELIFT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      NOTIFY_SLACK_WEBHOOK_URL: slack.url,
      NOTIFY_WEBHOOK_URL: hook.url,
      NOTIFY_WEBHOOK_SECRET: NOTIFY_SECRET,
      AUDIT_LOG_PATH: auditPath,
      CASCADE_POLL_INTERVAL: '1s',
      SHUTDOWN_GRACE_MS: '5000',
    }),
  );

  const answer = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': signPayload(body, WEBHOOK_SECRET) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  t.same(await answer.json(), { status: 'started', workflowId: WORKFLOW_ID });
  const status = await within(90_000, 'cascade result', env.client.workflow.getHandle(WORKFLOW_ID).result() as Promise<CascadeStatus>);
  t.same(Object.fromEntries(status.stacks.map((s) => [s.id, s.state])), {
    eks: 'finished',
    rds: 'finished',
    app: 'finished',
    reports: 'finished',
  });
  t.same(status.notifications.map(({ event, channel, delivered }) => [event, channel, delivered]).sort(), [
    ['completed', 'slack', true],
    ['completed', 'webhook', true],
  ]);
  t.same([hook.received.length, slack.received.length], [2, 2], 'each channel was refused once, then accepted');
  t.ok(hook.received.every((r) => r.signature === 'valid'));

  cli.child.kill('SIGTERM');
  const exit = await within(15_000, 'exit after SIGTERM', cli.exited);
  t.equal(exit.code, 0);
  const audit = readFileSync(auditPath, 'utf8');
  t.equal(audit.trimEnd().split('\n').length, 8, 'four stacks triggered and finished');
  t.match(exit.stderr, /"level":"debug"/, 'debug logging was on');
  t.match(exit.stderr, /notification not delivered: HTTP 500/, 'the refusals were logged');

  const outputs = { stdout: exit.stdout, stderr: exit.stderr, 'audit log': audit, 'workflow result': JSON.stringify(status) };
  const secrets = { API_KEY_SECRET, WEBHOOK_SECRET, NOTIFY_SECRET, NOTIFY_SLACK_WEBHOOK_URL: slack.url, 'Slack URL token': SLACK_TOKEN };
  for (const [where, text] of Object.entries(outputs)) {
    for (const [name, secret] of Object.entries(secrets)) t.notOk(text.includes(secret), `${name} is not in the ${where}`);
  }
});
