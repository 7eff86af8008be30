// serve on the real dev server with HCP Terraform configured: a signed notification that a workspace run was
// applied starts the cascade of tfc:<workspace>; it triggers a Spacelift stack and another workspace below it,
// each reported back by its own platform's webhook (polling is an hour away, so only the webhooks can finish it).
import t from 'tap';
import { startFakeTerraform } from '../support/fake-terraform';
import { signTerraformPayload } from '../../src/terraform/webhook';
import { signPayload } from '../../src/webhook';
import { type CascadeStatus } from '../../src/workflows/cascade-types';
import { startFakeSpacelift } from '../support/fake-spacelift';
import { createDevEnv, uniqueTaskQueue } from '../support/temporal';
import { within } from '../support/within';
import { freePort } from './free-port';
import { cliEnv, startCli } from './run-cli';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

const SPACELIFT_SECRET = 'tfc-e2e-spacelift-secret';
const TFC_SECRET = 'tfc-e2e-notification-token';
const ROOT_RUN = `run-root${process.pid}`;

const notification = (workspace: string, runId: string, message: string) => ({
  payload_version: 1,
  notification_configuration_id: 'nc-e2e',
  run_url: `https://app.terraform.io/app/acme/${workspace}/runs/${runId}`,
  run_id: runId,
  run_message: message,
  run_created_at: '2026-11-26T14:00:00.000Z',
  run_created_by: 'jdoe',
  workspace_id: `ws-${workspace}`,
  workspace_name: workspace,
  organization_name: 'acme',
  notifications: [
    {
      message: 'Applied',
      trigger: 'run:completed',
      run_status: 'applied',
      run_updated_at: '2026-11-26T14:05:00.000Z',
      run_updated_by: null,
    },
  ],
});

async function post(port: number, path: string, payload: unknown, headers: (body: Buffer) => Record<string, string>) {
  const body = Buffer.from(JSON.stringify(payload));
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers(body) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const toTerraform = (port: number, payload: unknown) =>
  post(port, '/webhooks/terraform', payload, (body) => ({ 'x-tfe-notification-signature': signTerraformPayload(body, TFC_SECRET) }));
const toSpacelift = (port: number, payload: unknown) =>
  post(port, '/webhooks/spacelift', payload, (body) => ({ 'x-signature-256': signPayload(body, SPACELIFT_SECRET) }));

/** Sends until the listener hands it to the run's monitor (which starts just after the trigger returns). */
async function deliverToMonitor(send: () => Promise<{ status: number; json: Record<string, unknown> }>) {
  for (let i = 0; i < 300; i++) {
    const answer = await send();
    if (answer.json.status === 'delivered') return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('never delivered');
}

t.test('an applied workspace run cascades into a Spacelift stack and a workspace below it', async (t) => {
  const env = await createDevEnv();
  t.teardown(() => env.teardown());
  const spacelift = await startFakeSpacelift({ stacks: [{ id: 'app', labels: ['dependsOn:tfc:network'] }, { id: 'unrelated' }] });
  t.teardown(() => spacelift.close());
  const tfc = await startFakeTerraform({
    organization: 'acme',
    workspaces: [{ name: 'network' }, { name: 'dns', tags: ['dependson:spacelift:app'] }],
  });
  t.teardown(() => tfc.close());
  const port = await freePort();
  const cli = await startCli(
    t,
    ['serve', '--webhook-host', '127.0.0.1', '--webhook-port', String(port)],
    cliEnv({
      TEMPORAL_URL: env.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('tfc'),
      SPACELIFT_API_ENDPOINT: spacelift.url,
      SPACELIFT_API_KEY_ID: spacelift.apiKeyId,
      SPACELIFT_API_KEY_SECRET: spacelift.apiKeySecret,
      SPACELIFT_WEBHOOK_SECRET: SPACELIFT_SECRET,
      TFC_URL: tfc.url,
      TFC_ORGANIZATION: 'acme',
      TFC_TOKEN: tfc.token,
      TFC_WEBHOOK_SECRET: TFC_SECRET,
      CASCADE_POLL_INTERVAL: '1h',
      SHUTDOWN_GRACE_MS: '5000',
    }),
  );

  const deliveries: Promise<unknown>[] = [];
  spacelift.onTrigger(({ stackId, runId }) => {
    deliveries.push(
      deliverToMonitor(() => {
        spacelift.setRunState(runId, 'FINISHED', { added: 1, changed: 0, deleted: 0 });
        return toSpacelift(port, {
          account: 'acme',
          state: 'FINISHED',
          stateVersion: 9,
          timestamp: 1767101634,
          run: {
            id: runId,
            branch: 'main',
            createdAt: 1767101000,
            type: 'TRACKED',
            triggeredBy: `api::${spacelift.apiKeyId}`,
            delta: { added: 1, changed: 0, deleted: 0, resources: 3 },
          },
          stack: { id: stackId, name: stackId, labels: [] },
        });
      }),
    );
  });
  tfc.onTrigger(({ workspace, runId }) => {
    deliveries.push(
      deliverToMonitor(() => {
        tfc.setRunStatus(runId, 'applied', { additions: 0, changes: 1, destructions: 0 });
        return toTerraform(port, notification(workspace, runId, 'Triggered by spacelift-cascade'));
      }),
    );
  });

  const rootId = `cascade-tfc:network-${ROOT_RUN}`;
  const started = await toTerraform(port, notification('network', ROOT_RUN, 'Merge pull request #7'));
  t.same(started, { status: 200, json: { status: 'started', workflowId: rootId } });

  const status = await within(60_000, 'the cascade to complete', env.client.workflow.getHandle(rootId).result() as Promise<CascadeStatus>);
  const answers = (await Promise.all(deliveries)) as { json: Record<string, unknown> }[];
  t.match(status, { root: 'tfc:network', rootRunId: ROOT_RUN, done: true });
  t.same(
    status.stacks.map((s) => [s.id, s.wave, s.state]),
    [
      ['app', 0, 'finished'],
      ['tfc:dns', 1, 'finished'],
    ],
  );
  t.same(
    [spacelift.triggerCount('app'), spacelift.triggerCount('unrelated'), tfc.triggerCount('dns'), tfc.triggerCount('network')],
    [1, 0, 1, 0],
  );
  const dnsRun = tfc.runs('dns')[0]?.id ?? '';
  t.same(
    answers.map((a) => a.json.workflowId).sort(),
    [runMonitorWorkflowId(spacelift.triggers[0]?.runId ?? ''), runMonitorWorkflowId(dnsRun, 'tfc:dns')].sort(),
  );
  t.equal(spacelift.requests.filter((r) => r.operation === 'getRun').length, 0, 'the Spacelift run was not polled');

  // Redelivered: the root is a duplicate; the workspace run the cascade created starts nothing of its own.
  t.same(await toTerraform(port, notification('network', ROOT_RUN, 'Merge pull request #7')), {
    status: 200,
    json: { status: 'duplicate', workflowId: rootId },
  });
  t.same(await toTerraform(port, notification('dns', dnsRun, 'Triggered by spacelift-cascade')), {
    status: 200,
    json: { status: 'duplicate', workflowId: runMonitorWorkflowId(dnsRun, 'tfc:dns') },
  });

  cli.child.kill('SIGTERM');
  const exit = await cli.exited;
  t.equal(exit.code, 0, 'clean shutdown');
  t.match(exit.stderr + exit.stdout, /webhook started/, 'the logs were captured');
  for (const secret of [tfc.token, TFC_SECRET])
    t.notOk((exit.stderr + exit.stdout).includes(secret), 'no HCP Terraform secret in the logs');
});
