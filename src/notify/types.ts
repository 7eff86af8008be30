/**
 * Cascade notifications: what the workflow hands the `notify` activity. Plain data and no Node imports, because
 * CascadeWorkflow builds it inside the workflow sandbox.
 */
import type { NotifyEvent } from '../config/types';

export type { NotifyEvent };

export type NotifyChannel = 'slack' | 'webhook' | 'email';

/** The workflow reports each event once per channel, so a failing channel never makes another one send twice. */
export const NOTIFY_CHANNELS: readonly NotifyChannel[] = ['slack', 'webhook', 'email'];
/** The channels of cascades started before email: replaying them must schedule exactly these. */
export const CHANNELS_BEFORE_EMAIL: readonly NotifyChannel[] = ['slack', 'webhook'];

export interface NotificationStack {
  id: string;
  state: string;
  reason?: string;
  runId?: string;
}

export interface NotifyInput {
  channel: NotifyChannel;
  event: NotifyEvent;
  /** The workflow ID, cascade-<stack>-<run>. */
  cascadeId: string;
  root: string;
  rootRunId?: string;
  /** One line for people, e.g. `cascade-vpc-R1: stack app waits for approval`. */
  summary: string;
  /** The stack the event is about (approval_needed, timed_out). */
  stackId?: string;
  /** Workflow time, ISO 8601. */
  at: string;
  /** Every stack of the cascade as it stands. */
  stacks: NotificationStack[];
}

export interface NotifyResult {
  channel: NotifyChannel;
  sent: boolean;
  /** Why nothing was sent. */
  reason?: 'channel not configured' | 'event not selected';
  /** The receiver's HTTP status (email: the SMTP reply code) when sent. */
  status?: number;
}
