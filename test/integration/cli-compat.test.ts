// The compatibility contract, on the real Temporal dev server: existing clients start the chain with the
// `temporal` CLI, the original workflow type, task queue and `{"stack_id": ...}` input.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorker } from '../../src/service/create-worker';
import { devServerExecutable } from '../../src/temporal/local-servers';
import { createDevEnv, workflowBundleCode } from '../support/temporal';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import type { ChainResult } from '../../src/workflows/types';

const run = promisify(execFile);
let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createDevEnv();
});
t.teardown(() => env?.teardown());

t.test('`temporal workflow start --type StackDependencyChainWorkflow` with the original input works', async (t) => {
  const executable = devServerExecutable();
  if (executable.type !== 'existing-path') {
    t.fail('this test needs the temporal CLI: run scripts/provision-dev-server.sh or set TEMPORAL_CLI_PATH');
    return;
  }
  const sl = await startSpacelift([{ id: 'vpc' }, { id: 'eks', labels: ['dependsOn:vpc'] }, { id: 'rds', labels: ['depends-on:vpc'] }]);
  t.teardown(() => stopSpacelift(sl));
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: 'spacelift-task-queue',
    spacelift: sl.client,
    workflows: { bundleCode: await workflowBundleCode() },
  });
  const workflowId = `cli-compat-${process.pid}`;
  const result = await worker.runUntil(async () => {
    await run(executable.path, [
      'workflow',
      'start',
      '--address',
      env.address,
      '--type',
      'StackDependencyChainWorkflow',
      '--task-queue',
      'spacelift-task-queue',
      '--workflow-id',
      workflowId,
      '--input',
      '{"stack_id":"vpc"}',
    ]);
    return env.client.workflow.getHandle(workflowId).result() as Promise<ChainResult>;
  });
  t.same(result.dependents.map((d) => [d.stack_id, d.status]).sort(), [
    ['eks', 'triggered'],
    ['rds', 'triggered'],
  ]);
  t.equal(sl.fake.triggers.length, 2);
});
