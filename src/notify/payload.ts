import { signPayload } from '../webhook/verify-signature';
import type { NotifyInput } from './types';

/** Slack caps a section's text at 3,000 characters. */
const SLACK_TEXT_LIMIT = 3_000;
/** Stacks listed in a Slack message; the rest are counted. */
const SLACK_STACK_LINES = 15;

/** Version 1 of the generic webhook's JSON body; fields are only ever added. */
export interface WebhookBody {
  schemaVersion: 1;
  /** Stable per event, so a receiver can drop a redelivery: `<cascadeId>/<event>[/<stackId>]`. */
  id: string;
  event: NotifyInput['event'];
  cascadeId: string;
  root: string;
  rootRunId: string | null;
  stackId: string | null;
  summary: string;
  at: string;
  stacks: NotifyInput['stacks'];
}

export function deliveryId(input: Pick<NotifyInput, 'cascadeId' | 'event' | 'stackId'>): string {
  return [input.cascadeId, input.event, ...(input.stackId ? [input.stackId] : [])].join('/');
}

/** The exact bytes that are signed and sent. */
export function buildWebhookBody(input: NotifyInput): string {
  const body: WebhookBody = {
    schemaVersion: 1,
    id: deliveryId(input),
    event: input.event,
    cascadeId: input.cascadeId,
    root: input.root,
    rootRunId: input.rootRunId ?? null,
    stackId: input.stackId ?? null,
    summary: input.summary,
    at: input.at,
    stacks: input.stacks.map(({ id, state, reason, runId }) => ({ id, state, ...(reason ? { reason } : {}), ...(runId ? { runId } : {}) })),
  };
  return JSON.stringify(body);
}

/** Headers of a generic webhook request: the same `X-Signature-256: sha256=<hex>` scheme the listener verifies. */
export function webhookHeaders(
  body: string,
  secret: string,
  input: Pick<NotifyInput, 'cascadeId' | 'event' | 'stackId'>,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature-256': signPayload(body, secret),
    'x-spacelift-cascade-event': input.event,
    'x-spacelift-cascade-delivery': deliveryId(input),
  };
}

export interface SlackMessage {
  text: string;
  blocks: (
    { type: 'section'; text: { type: 'mrkdwn'; text: string } } | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  )[];
}

const ICONS: Record<NotifyInput['event'], string> = {
  completed: ':white_check_mark:',
  failed: ':x:',
  approval_needed: ':raising_hand:',
  timed_out: ':hourglass:',
};

/** `text` is the notification fallback; the blocks add the stacks (failed and waiting ones first). */
export function buildSlackMessage(input: NotifyInput): SlackMessage {
  const stacks = [...input.stacks].sort((a, b) => weight(a.state) - weight(b.state) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines = stacks
    .slice(0, SLACK_STACK_LINES)
    .map((s) => `• \`${slackEscape(s.id)}\` ${s.state}${s.reason ? `: ${slackEscape(s.reason)}` : ''}`);
  if (stacks.length > SLACK_STACK_LINES) lines.push(`… and ${stacks.length - SLACK_STACK_LINES} more`);
  const blocks: SlackMessage['blocks'] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${ICONS[input.event]} *${slackEscape(input.summary)}*`) } },
  ];
  if (lines.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n')) } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${input.event} · \`${slackEscape(input.cascadeId)}\` · ${input.at}` }],
  });
  return { text: input.summary, blocks };
}

function weight(state: string): number {
  const order = ['failed', 'waiting_for_approval', 'skipped', 'cancelled', 'running', 'finished'];
  const i = order.indexOf(state);
  return i === -1 ? order.length : i;
}

/** Slack's three control characters in mrkdwn. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string): string {
  return text.length <= SLACK_TEXT_LIMIT ? text : `${text.slice(0, SLACK_TEXT_LIMIT - 1)}…`;
}
