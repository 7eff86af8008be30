import type { FakeSpacelift, FakeStackSpec } from '../../fake-spacelift/server';
import type { SampleWebhook } from '../demo';
import type { WebhookAnswer } from './send-webhook';

const RUN_TAKES_MS = 1_500;
const RETRY_MS = 250;
const ATTEMPTS = 40;

export interface FinishRunsOptions {
  fake: FakeSpacelift;
  stacks: readonly FakeStackSpec[];
  template: SampleWebhook;
  send: (payload: unknown) => Promise<WebhookAnswer>;
  say: (line: string) => void;
}

/**
 * Plays Spacelift's part for the demo: every run the cascade triggers finishes after a moment (changing one
 * resource), and a signed FINISHED webhook reports it. The listener hands it to the cascade that waits for
 * that run. The webhook may arrive before the cascade's monitor of the run exists; like Spacelift's
 * "retry on failure", it is sent again until it is delivered.
 */
export function finishRunsLikeSpacelift({ fake, stacks, template, send, say }: FinishRunsOptions): void {
  fake.onTrigger(({ stackId, runId }) => {
    say(`  → triggered ${stackId}: run ${runId}`);
    setTimeout(() => void report(stackId, runId), RUN_TAKES_MS);
  });

  const report = async (stackId: string, runId: string): Promise<void> => {
    fake.setRunState(runId, 'FINISHED', { added: 0, changed: 1, deleted: 0 });
    const stack = stacks.find((s) => s.id === stackId);
    const payload = {
      ...template,
      stateVersion: 9,
      run: { ...template.run, id: runId, triggeredBy: `api::${fake.apiKeyId}`, delta: { added: 0, changed: 1, deleted: 0, resources: 10 } },
      stack: { ...template.stack, id: stackId, name: stack?.name ?? stackId, labels: stack?.labels ?? [] },
    };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const answer = await send(payload).catch(() => undefined);
      if (answer?.body.status === 'delivered') {
        say(`  ✔ ${stackId} FINISHED: webhook delivered to ${String(answer.body.workflowId)}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    say(`  ✘ the webhook for ${stackId} was never delivered`);
  };
}
