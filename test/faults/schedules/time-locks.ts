/**
 * A workaround for the Java time-skipping test server (sdk-java#1138): an activity still scheduled or running when
 * its workflow closes keeps the server's time-skipping lock for ever, and time then only passes in real time.
 * Cascades cancelled mid-plan and monitors that a webhook ends during a poll close with such an activity (it was
 * cancelled, TRY_CANCEL), which is fine on a real server. This finds each one in the closed workflow's history and
 * gives its lock back, once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export class TimeLockLeaks {
  private readonly released = new Set<string>();
  /** Locks given back so far. */
  count = 0;

  constructor(private readonly env: TestWorkflowEnvironment) {}

  /** Gives back the lock of every activity the workflow (if it has closed) left open. */
  async release(workflowId: string): Promise<void> {
    const handle = this.env.client.workflow.getHandle(workflowId);
    const description = await handle.describe().catch(() => undefined);
    if (!description || description.status.name === 'RUNNING') return;
    const history = await handle.fetchHistory().catch(() => undefined);
    const open = new Set<number>();
    for (const event of history?.events ?? []) {
      if (event.activityTaskScheduledEventAttributes) open.add(Number(event.eventId));
      const closed =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes ??
        event.activityTaskCanceledEventAttributes;
      if (closed) open.delete(Number(closed.scheduledEventId));
    }
    for (const scheduled of open) {
      const key = `${workflowId}/${description.runId}/${scheduled}`;
      if (this.released.has(key)) continue;
      this.released.add(key);
      await this.env.connection.testService?.unlockTimeSkipping({});
      this.count += 1;
    }
  }
}
