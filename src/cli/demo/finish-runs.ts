import type { FakeSpacelift, FakeStackSpec } from '../../fakes/spacelift/server';
import type { FakeTerraform } from '../../fakes/terraform/server';
import type { SampleWebhook } from './sample-webhook';
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
    const workflowId = await deliverUntilAccepted(() => send(payload));
    say(workflowId ? `  ✔ ${stackId} FINISHED: webhook delivered to ${workflowId}` : `  ✘ the webhook for ${stackId} was never delivered`);
  };
}

/**
 * Plays HCP Terraform's part: every run the cascade creates is applied after a moment (adding one resource), and
 * a signed run:completed notification reports it on /webhooks/terraform.
 */
export function finishRunsLikeTerraform(options: {
  fake: FakeTerraform;
  send: (payload: unknown) => Promise<WebhookAnswer>;
  say: (line: string) => void;
}): void {
  const { fake, send, say } = options;
  fake.onTrigger(({ workspace, runId }) => {
    say(`  → triggered tfc:${workspace}: HCP Terraform run ${runId}`);
    setTimeout(() => void report(workspace, runId), RUN_TAKES_MS);
  });
  const report = async (workspace: string, runId: string): Promise<void> => {
    fake.setRunStatus(runId, 'applied', { additions: 1, changes: 0, destructions: 0 });
    const payload = {
      payload_version: 1,
      notification_configuration_id: 'nc-demo',
      run_url: `${fake.url}/app/${fake.organization}/${workspace}/runs/${runId}`,
      run_id: runId,
      run_message: fake.runs(workspace).find((run) => run.id === runId)?.message ?? '',
      run_created_at: new Date().toISOString(),
      run_created_by: 'api-team_demo',
      workspace_id: `ws-demo-${workspace}`,
      workspace_name: workspace,
      organization_name: fake.organization,
      notifications: [
        {
          message: 'Applied',
          trigger: 'run:completed',
          run_status: 'applied',
          run_updated_at: new Date().toISOString(),
          run_updated_by: null,
        },
      ],
    };
    const workflowId = await deliverUntilAccepted(() => send(payload));
    say(
      workflowId
        ? `  ✔ tfc:${workspace} applied: notification delivered to ${workflowId}`
        : `  ✘ the notification for tfc:${workspace} was never delivered`,
    );
  };
}

/** Like a platform's redelivery: again until the listener hands it to the waiting monitor; its workflow ID. */
async function deliverUntilAccepted(send: () => Promise<WebhookAnswer>): Promise<string | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const answer = await send().catch(() => undefined);
    if (answer?.body.status === 'delivered') return String(answer.body.workflowId);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  return undefined;
}
