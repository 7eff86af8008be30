import { randomBytes } from 'node:crypto';
import { defaultCascadeConfig } from '../config/cascade-section';
import { loadGeneralConfig, type ConfigWithSpacelift } from '../config/load-config';
import { loadFixtureAccount, startFakeSpacelift } from '../fakes/spacelift/server';
import { startFakeTerraform } from '../fakes/terraform/server';
import { createLogger } from '../log/logger';
import { createCascadeMetrics } from '../metrics';
import type { CascadeStatus } from '../workflows/cascade-types';
import type { CommandContext } from './command-context';
import { renderCascadeStatus } from './control/render-status';
import { describeAccount } from './demo/describe-cascade';
import { finishRunsLikeSpacelift, finishRunsLikeTerraform } from './demo/finish-runs';
import { SAMPLE_WEBHOOK } from './demo/sample-webhook';
import { sendSignedWebhook, sendTerraformNotification } from './demo/send-webhook';
import { startDevServer } from './demo/start-dev-server';
import { DemoInterrupted, TeardownStack, unlessInterrupted } from './demo/teardown-stack';
import { EXIT, type ExitCode } from './exit-codes';
import { installRuntime } from '../service/install-runtime';
import { listenForShutdown } from '../service/shutdown-signal';
import { startServe } from '../service/start-serve';
import { withTimeout } from '../async/with-timeout';

const TASK_QUEUE = 'spacelift-cascade-demo';
/** An HCP Terraform workspace below the Spacelift stack app: the cascade crosses platforms. */
const DEMO_WORKSPACES = [{ name: 'cdn', tags: ['dependson:spacelift:app', 'team:edge'] }];
const CASCADE_TIMEOUT_MS = 120_000;
const DEMO_GRACE_MS = 5_000;

/**
 * Everything on one machine with no credentials: a Temporal dev server, the fake Spacelift account in
 * fixtures/spacelift/account.json, a fake HCP Terraform organization with one workspace below it, and serve's own
 * worker + listener. One signed webhook, one cascade across both platforms.
 */
export async function runDemo(context: CommandContext): Promise<ExitCode> {
  const config = loadGeneralConfig({ env: context.env, flags: context.configFlags });
  // stdout tells the story; component logs (stderr) stay quiet unless LOG_LEVEL asks for more.
  const logLevel = context.env.LOG_LEVEL || context.configFlags.LOG_LEVEL ? config.logLevel : 'warn';
  const secret = randomBytes(24).toString('hex');
  const tfcSecret = randomBytes(24).toString('hex');
  const logger = createLogger({ level: logLevel, secrets: [secret, tfcSecret] });
  const { metricsBuffer } = installRuntime(logger, logLevel);
  const say = context.stdout;
  const shutdown = listenForShutdown();
  const teardown = new TeardownStack(logger);
  const step = <T>(work: Promise<T>): Promise<T> => unlessInterrupted(shutdown.received, work);

  try {
    say('Starting a local Temporal dev server ...');
    const server = await step(teardown.track('dev server', startDevServer(!context.switches.has('headless')), (s) => s.env.teardown()));
    say(`  Temporal at ${server.env.address}${server.uiUrl ? `, Web UI at ${server.uiUrl}` : ' (no Web UI)'}`);

    const stacks = loadFixtureAccount();
    const fake = await step(teardown.track('fake Spacelift', startFakeSpacelift({ stacks }), (f) => f.close()));
    say(`Fake Spacelift at ${fake.url} with ${stacks.length} stacks:`);
    describeAccount(stacks).forEach((line) => say(line));
    const tfc = await step(
      teardown.track('fake HCP Terraform', startFakeTerraform({ organization: 'demo', workspaces: DEMO_WORKSPACES }), (f) => f.close()),
    );
    say(`Fake HCP Terraform at ${tfc.url}, organization ${tfc.organization}:`);
    describeAccount(DEMO_WORKSPACES.map(({ name, tags }) => ({ id: `tfc:${name}`, labels: tags }))).forEach((line) => say(line));

    const demoConfig: ConfigWithSpacelift = {
      temporal: { address: server.env.address, namespace: 'default', taskQueue: TASK_QUEUE },
      spacelift: {
        endpoint: fake.url,
        apiKeyId: fake.apiKeyId,
        apiKeySecret: fake.apiKeySecret,
        discovery: 'scan',
        requestTimeoutMs: 5_000,
      },
      terraform: { url: tfc.url, organization: tfc.organization, token: tfc.token, requestTimeoutMs: 5_000 },
      webhook: {
        host: '127.0.0.1',
        port: 0,
        secrets: [secret],
        terraformSecrets: [tfcSecret],
        insecureSkipSignature: false,
        maxBodyBytes: 1_048_576,
        triggerStates: ['FINISHED'],
        runTypes: ['TRACKED'],
      },
      // Runs end by webhook (the fast path, below); a poll would only come after an hour.
      cascade: { ...defaultCascadeConfig(), pollIntervalMs: 3600_000 },
      logLevel,
      shutdownGraceMs: DEMO_GRACE_MS,
    };
    const runtime = await step(
      teardown.track(
        'worker and listener',
        startServe(demoConfig, logger, createCascadeMetrics({ processMetrics: true, temporal: metricsBuffer })),
        (r) => r.stop(DEMO_GRACE_MS),
      ),
    );
    await step(runtime.worker.started);
    const base = `http://127.0.0.1:${runtime.listener.address.port}`;
    say(
      `spacelift-cascade is serving: worker on task queue ${TASK_QUEUE}, webhooks at ${base}/webhooks/spacelift and ${base}/webhooks/terraform`,
    );

    say('');
    say(`Spacelift reports: tracked run ${SAMPLE_WEBHOOK.run.id} of stack ${SAMPLE_WEBHOOK.stack.id} FINISHED (signed webhook)`);
    const answer = await step(sendSignedWebhook(base, SAMPLE_WEBHOOK, secret));
    say(`  ← ${answer.status} ${JSON.stringify(answer.body)}`);
    const workflowId = answer.body.workflowId;
    if (answer.status !== 200 || typeof workflowId !== 'string') throw new Error(`the webhook was not accepted (HTTP ${answer.status})`);

    say(`Workflow ${workflowId} runs everything downstream of ${SAMPLE_WEBHOOK.stack.id}, wave by wave:`);
    // Each run the fake accepts "finishes" a moment later, and Spacelift's signed webhook reports it.
    finishRunsLikeSpacelift({ fake, stacks, template: SAMPLE_WEBHOOK, send: (payload) => sendSignedWebhook(base, payload, secret), say });
    finishRunsLikeTerraform({ fake: tfc, send: (payload) => sendTerraformNotification(base, payload, tfcSecret), say });
    const status = await step(
      withTimeout(
        runtime.listener.client.workflow.getHandle(workflowId).result() as Promise<CascadeStatus>,
        CASCADE_TIMEOUT_MS,
        `the cascade did not finish within ${CASCADE_TIMEOUT_MS / 1000} s`,
      ),
    );
    say('');
    say(renderCascadeStatus({ workflowId, workflowType: 'CascadeWorkflow', execution: 'COMPLETED' }, status));
    say('');
    if (context.switches.has('keep-running')) {
      say('Inspect it:');
      say(`  ${server.cliPath} workflow show --workflow-id ${workflowId} --address ${server.env.address} --namespace default`);
      if (server.uiUrl) say(`  ${server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
      say(`Still running (webhooks at ${base}/webhooks/spacelift). Press Ctrl-C to stop.`);
      await shutdown.received;
    } else {
      say('Run with --keep-running to keep Temporal (and its Web UI) up and inspect the workflow history.');
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof DemoInterrupted) return EXIT.ok;
    throw err;
  } finally {
    say('Stopping ...');
    await teardown.closeAll();
    shutdown.dispose();
  }
}
