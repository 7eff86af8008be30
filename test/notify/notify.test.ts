// Notification payloads (Slack and the signed JSON webhook), signing, event selection and how refusals are
// reported, against local node:http receivers.
import t from 'tap';
import { createNotifier, NotifyDeliveryError } from '../../src/notify/notifier';
import { buildSlackMessage, buildWebhookBody, webhookHeaders } from '../../src/notify/payload';
import { endSummary } from '../../src/notify/summary';
import type { NotifyInput } from '../../src/notify/types';
import { verifySignature } from '../../src/webhook/verify-signature';
import { startNotifyReceiver } from '../support/notify-receiver';

const SECRET = 'notify-unit-secret';
const input: NotifyInput = {
  channel: 'webhook',
  event: 'failed',
  cascadeId: 'cascade-vpc-R1',
  root: 'vpc',
  rootRunId: 'R1',
  summary: 'cascade-vpc-R1 from vpc failed: 1 finished, 1 failed (eks: run FAILED), 1 skipped',
  at: '2026-01-05T10:00:00.000Z',
  stacks: [
    { id: 'rds', state: 'finished', runId: 'R3' },
    { id: 'eks', state: 'failed', reason: 'run FAILED', runId: 'R2' },
    { id: 'app', state: 'skipped', reason: 'upstream eks FAILED' },
  ],
};

t.test('the webhook body: exact bytes, stable delivery id, signed over the raw body', async (t) => {
  const body = buildWebhookBody(input);
  t.equal(
    body,
    '{"schemaVersion":1,"id":"cascade-vpc-R1/failed","event":"failed","cascadeId":"cascade-vpc-R1","root":"vpc","rootRunId":"R1","stackId":null,' +
      '"summary":"cascade-vpc-R1 from vpc failed: 1 finished, 1 failed (eks: run FAILED), 1 skipped","at":"2026-01-05T10:00:00.000Z",' +
      '"stacks":[{"id":"rds","state":"finished","runId":"R3"},{"id":"eks","state":"failed","reason":"run FAILED","runId":"R2"},{"id":"app","state":"skipped","reason":"upstream eks FAILED"}]}',
  );
  const headers = webhookHeaders(body, SECRET, { ...input, event: 'approval_needed', stackId: 'app' });
  t.match(headers, {
    'content-type': 'application/json',
    'x-spacelift-cascade-event': 'approval_needed',
    'x-spacelift-cascade-delivery': 'cascade-vpc-R1/approval_needed/app',
  });
  t.match(headers['x-signature-256'], /^sha256=[0-9a-f]{64}$/);
  t.equal(verifySignature(Buffer.from(body), headers['x-signature-256'], [SECRET]), 'valid', "the listener's own check accepts it");
  t.equal(verifySignature(Buffer.from(body + ' '), headers['x-signature-256'], [SECRET]), 'mismatch');
});

t.test('the Slack message: text fallback, failed stacks first, escaped, long lists cut', async (t) => {
  const message = buildSlackMessage({ ...input, channel: 'slack' });
  t.same(message, {
    text: input.summary,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:x: *${input.summary}*` } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '• `eks` failed: run FAILED\n• `app` skipped: upstream eks FAILED\n• `rds` finished' },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'failed · `cascade-vpc-R1` · 2026-01-05T10:00:00.000Z' }] },
    ],
  });
  const many = buildSlackMessage({
    ...input,
    summary: 'a <b> & c',
    stacks: Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, state: 'finished' })),
  });
  t.equal(many.blocks[0]?.type === 'section' && many.blocks[0].text.text, ':x: *a &lt;b&gt; &amp; c*');
  t.match(many.blocks[1]?.type === 'section' ? many.blocks[1].text.text : '', /\n… and 5 more$/);
});

t.test('summaries', async (t) => {
  t.equal(
    endSummary('c-1', 'vpc', [
      { id: 'a', state: 'finished' },
      { id: 'b', state: 'skipped' },
    ]),
    'c-1 from vpc completed: 1 finished, 1 skipped',
  );
  t.equal(endSummary('c-1', 'vpc', []), 'c-1 from vpc completed: no stacks');
});

t.test(
  'delivery: signed webhook and Slack reach their receivers; events not selected and channels not configured send nothing',
  async (t) => {
    const hook = await startNotifyReceiver({ secret: SECRET });
    const slack = await startNotifyReceiver({ path: '/services/T000/B000/slacksecretpath' });
    t.teardown(() => Promise.all([hook.close(), slack.close()]));
    const notifier = createNotifier({
      webhookUrl: hook.url,
      webhookSecret: SECRET,
      slackWebhookUrl: slack.url,
      events: ['failed', 'completed'],
    });

    t.same(await notifier.send(input), { channel: 'webhook', sent: true, status: 200 });
    t.same(await notifier.send({ ...input, channel: 'slack' }), { channel: 'slack', sent: true, status: 200 });
    t.same(await notifier.send({ ...input, event: 'approval_needed', stackId: 'app' }), {
      channel: 'webhook',
      sent: false,
      reason: 'event not selected',
    });
    t.equal(hook.received.length, 1);
    t.equal(hook.received[0]?.signature, 'valid');
    t.equal(hook.received[0]?.raw, buildWebhookBody(input));
    t.match(hook.received[0]?.headers, { 'content-type': 'application/json', 'user-agent': /^spacelift-cascade\/\d/ });
    t.same(slack.received[0]?.body.text, input.summary);

    const slackOnly = createNotifier({ slackWebhookUrl: slack.url, events: ['failed'] });
    t.same(await slackOnly.send(input), { channel: 'webhook', sent: false, reason: 'channel not configured' });
  },
);

t.test('refusals: 5xx and 429 are retryable, other 4xx are not, and the URL never appears in the error', async (t) => {
  const slack = await startNotifyReceiver({ path: '/services/T000/B000/slacksecretpath' });
  t.teardown(() => slack.close());
  const notifier = createNotifier({ slackWebhookUrl: slack.url, events: ['failed'] });
  const slackInput = { ...input, channel: 'slack' as const };
  slack.answerWith(500, 429, 404);
  for (const [status, retryable] of [
    [500, true],
    [429, true],
    [404, false],
  ] as const) {
    const err = await notifier.send(slackInput).catch((e: unknown) => e);
    t.type(err, NotifyDeliveryError);
    t.match(err, { message: `slack notification not delivered: HTTP ${status} (receiver says no)`, retryable, status });
  }
  const closed = createNotifier({ slackWebhookUrl: 'http://127.0.0.1:9/services/T/B/slacksecretpath', events: ['failed'] });
  const err = (await closed.send(slackInput).catch((e: unknown) => e)) as NotifyDeliveryError;
  t.match(err, { message: 'slack notification not delivered: ECONNREFUSED', retryable: true });
  t.notMatch(err.message, /slacksecretpath/);
});

t.test('a receiver that never answers is given up on after the timeout', async (t) => {
  const { createServer } = await import('node:http');
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as { port: number }).port;
  const notifier = createNotifier(
    { webhookUrl: `http://127.0.0.1:${port}/hook`, webhookSecret: SECRET, events: ['failed'] },
    { timeoutMs: 200 },
  );
  const err = await notifier.send(input).catch((e: unknown) => e);
  t.match(err, { message: 'webhook notification not delivered: no answer within 200 ms', retryable: true });
});
