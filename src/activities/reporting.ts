import { ApplicationFailure, log } from '@temporalio/activity';
import type { AuditLog } from '../audit/audit-log';
import { NotifyDeliveryError, type Notifier } from '../notify/notifier';
import type { NotifyInput, NotifyResult } from '../notify/types';
import type { Decision } from '../workflows/cascade-types';

export interface AuditInput {
  cascadeId: string;
  root: string;
  rootRunId?: string;
  /** In the order they were taken. */
  decisions: Decision[];
}

export interface ReportingDeps {
  /** Sends cascade notifications; absent: none are configured. */
  notifier?: Notifier;
  /** Where decisions are written; absent: AUDIT_LOG_PATH is unset. */
  auditLog?: AuditLog;
}

/**
 * Notifications and the audit log. The workflow reports every event and every decision; these decide from the
 * configuration whether anything is sent or written, so no configuration is read in workflow code.
 */
export function createReportingActivities({ notifier, auditLog }: ReportingDeps) {
  return {
    notify: async (input: NotifyInput): Promise<NotifyResult> => {
      if (!notifier) return { channel: input.channel, sent: false, reason: 'channel not configured' };
      const about = {
        cascadeId: input.cascadeId,
        event: input.event,
        channel: input.channel,
        ...(input.stackId ? { stackId: input.stackId } : {}),
      };
      try {
        const result = await notifier.send(input);
        if (result.sent) log.info('notification sent', { ...about, status: result.status });
        return result;
      } catch (err) {
        if (err instanceof NotifyDeliveryError && !err.retryable) {
          throw ApplicationFailure.nonRetryable(err.message, err.name, { ...about, status: err.status ?? null });
        }
        throw err;
      }
    },

    audit: async ({ cascadeId, root, rootRunId, decisions }: AuditInput): Promise<{ written: number }> => {
      if (!auditLog) return { written: 0 };
      await auditLog.append(decisions.map((decision) => ({ ...decision, cascadeId, root, ...(rootRunId ? { rootRunId } : {}) })));
      return { written: decisions.length };
    },
  };
}
