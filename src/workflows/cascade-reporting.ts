/**
 * CascadeWorkflow's audit trail and notifications (deterministic workflow code). Decisions are kept for the status
 * and written to the audit log in order, batched: while one `audit` call is out, new decisions gather for the next.
 * Notifications go out per channel in the background. Both run in non-cancellable scopes and every failure is
 * caught, so neither can fail, delay or be cut short by the cascade: cancelling a cascade still records why.
 * Metrics (triggers, cascade outcomes, approvals waiting) go to the worker through sinks, which add nothing to the
 * history, so they are reported by every cascade whatever version started it.
 */
import { CancellationScope, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { approvalSummary, endSummary, timeoutSummary } from '../notify/summary';
import { CHANNELS_BEFORE_EMAIL, NOTIFY_CHANNELS, type NotificationStack, type NotifyEvent } from '../notify/types';
import type { Decision, DecisionKind, NotificationRecord } from './cascade-types';
import { AUDIT_RETRY, AUDIT_START_TO_CLOSE, NOTIFY_RETRY, NOTIFY_START_TO_CLOSE } from './policies';
import { cascadeMetrics, type CascadeOutcome } from './sinks';
import { causeMessage } from './stack-execution';

const { audit } = proxyActivities<Activities>({ startToCloseTimeout: AUDIT_START_TO_CLOSE, retry: AUDIT_RETRY });
const { notify } = proxyActivities<Activities>({ startToCloseTimeout: NOTIFY_START_TO_CLOSE, retry: NOTIFY_RETRY });

export interface CascadeReporter {
  readonly decisions: readonly Decision[];
  readonly notifications: readonly NotificationRecord[];
  decide(stackId: string, decision: DecisionKind, details?: Pick<Decision, 'reason' | 'by' | 'runId'>): void;
  approvalNeeded(stackId: string): void;
  /** `lastState`: the state the run was last seen in (it is left running in Spacelift). */
  runTimedOut(stackId: string, runId: string, lastState?: string): void;
  /**
   * Sends completed, or failed when any stack failed, after the notifications already on their way, so that a
   * receiver hears the end last; resolves when everything is settled.
   */
  ended(): Promise<void>;
  /**
   * Resolves once every decision is written (or given up on) and every notification has been answered. The
   * cascade calls it (instead of ended()) only when it was cancelled, so it also reports the cancelled outcome.
   */
  settled(): Promise<void>;
}

/**
 * Cascades started by an earlier version never scheduled these activities; replaying them must not either. Asked
 * once, when the cascade starts, so the answer holds for its whole life.
 */
export const REPORTING_PATCH = 'cascade-audit-and-notify';
/** Cascades started before email notifications scheduled one notify per event for Slack and the webhook only. */
export const EMAIL_PATCH = 'cascade-notify-email';

/** Call at the start of the workflow, before its first await. */
export function createCascadeReporter(options: { root: string; rootRunId?: string; stacks: () => NotificationStack[] }): CascadeReporter {
  const { root, rootRunId } = options;
  const enabled = patched(REPORTING_PATCH);
  const channels = patched(EMAIL_PATCH) ? NOTIFY_CHANNELS : CHANNELS_BEFORE_EMAIL;
  const cascadeId = workflowInfo().workflowId;
  const now = () => new Date(Date.now()).toISOString();
  const decisions: Decision[] = [];
  const notifications: NotificationRecord[] = [];
  const sending = new Set<Promise<void>>();
  let written = 0;
  let flushing = false;
  let flushed: Promise<void> = Promise.resolve();
  const awaitingApproval = new Set<string>();
  let outcomeReported = false;

  /** Every decision about a stack ends its wait for approval (approved, rejected, skipped on timeout, cancelled). */
  const approvalAnswered = (stackId: string) => {
    if (awaitingApproval.delete(stackId)) cascadeMetrics.approvalsWaiting([...awaitingApproval]);
  };
  /** One outcome per cascade; nothing waits for approval once it has ended. */
  const reportEnd = (outcome: CascadeOutcome) => {
    if (outcomeReported) return;
    outcomeReported = true;
    awaitingApproval.clear();
    cascadeMetrics.approvalsWaiting([]);
    cascadeMetrics.cascadeEnded(outcome);
  };

  const flush = () => {
    if (flushing || !enabled) return;
    flushing = true;
    flushed = (async () => {
      try {
        while (written < decisions.length) {
          const batch = decisions.slice(written);
          written = decisions.length;
          await CancellationScope.nonCancellable(() =>
            audit({ cascadeId, root, ...(rootRunId ? { rootRunId } : {}), decisions: batch }),
          ).catch((err: unknown) => log.warn('audit log not written', { cascadeId, decisions: batch.length, error: causeMessage(err) }));
        }
      } finally {
        flushing = false;
      }
    })();
  };

  const send = (event: NotifyEvent, summary: string, stackId?: string) => {
    if (!enabled) return;
    const input = {
      event,
      cascadeId,
      root,
      ...(rootRunId ? { rootRunId } : {}),
      summary,
      ...(stackId ? { stackId } : {}),
      at: now(),
      stacks: options.stacks(),
    };
    for (const channel of channels) {
      const about = { event, channel, ...(stackId ? { stackId } : {}) };
      const attempt = CancellationScope.nonCancellable(() => notify({ ...input, channel })).then(
        (result) => {
          if (result.sent) notifications.push({ at: now(), ...about, delivered: true });
        },
        (err: unknown) => {
          const error = causeMessage(err);
          notifications.push({ at: now(), ...about, delivered: false, error });
          log.warn('notification not delivered', { cascadeId, ...about, error });
        },
      );
      sending.add(attempt);
      void attempt.then(() => sending.delete(attempt));
    }
  };

  const settled = async () => {
    while (flushing || sending.size > 0) await Promise.all([flushed, ...sending]);
  };

  return {
    decisions,
    notifications,
    decide(stackId, decision, details = {}) {
      decisions.push({ at: now(), stackId, decision, ...definedOnly(details) });
      approvalAnswered(stackId);
      if (decision === 'triggered') cascadeMetrics.runTriggered();
      flush();
    },
    approvalNeeded(stackId) {
      awaitingApproval.add(stackId);
      cascadeMetrics.approvalsWaiting([...awaitingApproval]);
      send('approval_needed', approvalSummary(cascadeId, stackId), stackId);
    },
    runTimedOut: (stackId, runId, lastState) => send('timed_out', timeoutSummary(cascadeId, stackId, runId, lastState), stackId),
    async ended() {
      const failed = options.stacks().some((stack) => stack.state === 'failed');
      reportEnd(failed ? 'failed' : 'completed');
      while (sending.size > 0) await Promise.all([...sending]);
      const stacks = options.stacks();
      send(failed ? 'failed' : 'completed', endSummary(cascadeId, root, stacks));
      await settled();
    },
    async settled() {
      reportEnd('cancelled');
      await settled();
    },
  };
}

function definedOnly(details: Pick<Decision, 'reason' | 'by' | 'runId'>): Pick<Decision, 'reason' | 'by' | 'runId'> {
  return {
    ...(details.reason !== undefined ? { reason: details.reason } : {}),
    ...(details.by !== undefined ? { by: details.by } : {}),
    ...(details.runId !== undefined ? { runId: details.runId } : {}),
  };
}
