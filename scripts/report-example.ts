/**
 * The example in the README's *Reports* section, for real: a Temporal dev server, the fake Spacelift and a worker in
 * this process run a few cascades in real time (seconds, not hours): a diamond with an approval answered after a
 * while, one with a failing stack, one still waiting for approval. Then it runs `spacelift-cascade report` against
 * that server in the formats the README shows, and prints each command and its output.
 *
 *   TEMPORAL_CLI_PATH=... npx tsx scripts/report-example.ts
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { devServerExecutable } from '../src/temporal/local-servers';
import { createWorker } from '../src/service/create-worker';
import { CASCADE_WORKFLOW_TYPE, cascadeStatusQuery, runStateSignal, type CascadeStatus } from '../src/workflows/cascade-types';
import { startFakeSpacelift } from '../test/support/fake-spacelift';
import { SpaceliftClient } from '../src/spacelift/client';
import { runMonitorWorkflowId } from '../src/workflows/workflow-ids';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutable(), ui: false } });
  const fake = await startFakeSpacelift({
    stacks: [
      { id: 'vpc' },
      { id: 'eks', labels: ['dependsOn:vpc'] },
      { id: 'rds', labels: ['dependsOn:vpc'] },
      { id: 'app', labels: ['dependsOn:eks,rds', 'cascade:approval'] },
      { id: 'cdn', labels: ['dependsOn:app'] },
    ],
    defaultRunOutcome: { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 0 }, afterPolls: 2 },
  });
  const spacelift = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    requestTimeoutMs: 5000,
    discovery: 'scan',
  });
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  const taskQueue = 'spacelift-task-queue';
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    spacelift,
    workflows: { bundleCode: code },
  });
  const options = { pollInitialMs: 2000, pollMaxMs: 4000 };
  const start = (run: string) =>
    env.client.workflow.start(CASCADE_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `cascade-vpc-${run}`,
      args: [{ stack_id: 'vpc', run_id: run, options }],
    });
  const approvalWaits = async (run: string) => {
    const handle = env.client.workflow.getHandle(`cascade-vpc-${run}`);
    for (;;) {
      const status = await handle.query<CascadeStatus>(cascadeStatusQuery);
      if (status.stacks.some((s) => s.id === 'app' && s.state === 'waiting_for_approval')) return handle;
      await sleep(200);
    }
  };
  // What Spacelift's webhook would say a few seconds after each trigger: the run left the queue (PLANNING).
  const QUEUED_MS: Record<string, number> = { eks: 2000, rds: 6000, app: 3000, cdn: 1000 };
  const started = new Set<string>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      for await (const info of env.client.workflow.list({
        query: `WorkflowType = "${CASCADE_WORKFLOW_TYPE}" AND ExecutionStatus = "Running"`,
      })) {
        const status = await env.client.workflow
          .getHandle(info.workflowId)
          .query<CascadeStatus>(cascadeStatusQuery)
          .catch(() => undefined);
        for (const stack of status?.stacks ?? []) {
          if (!stack.runId || started.has(stack.runId)) continue;
          started.add(stack.runId);
          const monitor = env.client.workflow.getHandle(runMonitorWorkflowId(stack.runId));
          setTimeout(
            () => void monitor.signal(runStateSignal, { state: 'PLANNING', stateVersion: 2 }).catch(() => undefined),
            QUEUED_MS[stack.id] ?? 1000,
          );
        }
      }
      await sleep(300);
    }
  })();
  await worker.runUntil(async () => {
    await start('01JEXAMPLE00000000000000A1');
    const a = await approvalWaits('01JEXAMPLE00000000000000A1');
    await sleep(15_000);
    await a.signal('approve', { stackId: 'app', by: 'jane' });
    await a.result();
    fake.setRunOutcome('eks', { state: 'FAILED', afterPolls: 3 });
    await (await start('01JEXAMPLE00000000000000B2')).result();
    fake.setRunOutcome('eks', { state: 'FINISHED', delta: { added: 0, changed: 1, deleted: 0 }, afterPolls: 1 });
    await start('01JEXAMPLE00000000000000C3');
    await approvalWaits('01JEXAMPLE00000000000000C3');
    await sleep(12_000);
    watching = false;
    await watch;
    // Asynchronously: this process's worker answers the report's status queries meanwhile.
    const cli = async (args: string[]) => {
      const out = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', join(__dirname, '..', 'src', 'cli', 'main.ts'), ...args],
        {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_URL: env.address },
          encoding: 'utf8',
        },
      );
      console.log(`$ spacelift-cascade ${args.join(' ')}\n${out.stdout}${out.stderr}`);
    };
    await cli(['report', '--since', '1h', '--stuck-after', '10s']);
    await cli(['report', '--cascade', 'cascade-vpc-01JEXAMPLE00000000000000A1', '--format', 'mermaid']);
    await cli(['report', '--since', '1h', '--format', 'html']).catch(() => undefined);
    await env.client.workflow.getHandle('cascade-vpc-01JEXAMPLE00000000000000C3').terminate('example done');
  });
  await fake.close();
  await env.teardown();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
