// The single binary, end to end: a copy of dist/spacelift-cascade in an empty directory, with no node on PATH
// and no node_modules, against a real Temporal dev server and the fake Spacelift. Needs `npm run build:binary`
// first (scripts/test.sh and CI do that); without the binary every test here fails with that instruction.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TestWorkflowEnvironment as Env } from '@temporalio/testing';
import { devServerExecutable } from '../../src/temporal/local-servers';
import { chainWorkflowId } from '../../src/temporal/workflow-id';
import type { ChainResult } from '../../src/workflows/types';
import { startFakeSpacelift, type FakeSpacelift } from '../support/fake-spacelift';
import { createSandbox, freePort, missingBinaryReason, runBinary, staleBinaryNote, startBinary, waitForOk, withTimeout, type Sandbox } from './run-binary';

const WEBHOOK_SECRET = 'binary-test-webhook-secret';
const ASSET_FILES = ['releases/x86_64-unknown-linux-gnu/index.node', 'workflow-worker-thread.js', 'mappings.wasm', 'workflow-bundle.js'];
// `network` must not match `net`: dependsOn:network names a different upstream.
const STACKS = [
  { id: 'net', name: 'Network' },
  { id: 'network', name: 'Network (legacy)' },
  { id: 'app', name: 'App', labels: ['dependsOn:net'] },
  { id: 'db', name: 'Database', labels: ['team:data', 'dependsOn:net'] },
  { id: 'edge', name: 'Edge', labels: ['dependsOn:network'] },
];

const missing = missingBinaryReason();
if (missing) {
  t.fail(missing);
} else {
  const stale = staleBinaryNote();
  if (stale) t.comment(stale);
  let sandbox: Sandbox;
  let env: TestWorkflowEnvironment;
  let fake: FakeSpacelift;
  t.before(async () => {
    sandbox = createSandbox();
    env = await withTimeout(Env.createLocal({ server: { executable: devServerExecutable() } }), 60_000, 'the Temporal dev server');
    fake = await startFakeSpacelift({ stacks: STACKS });
  });
  t.teardown(async () => {
    await fake?.close();
    await env?.teardown();
    sandbox?.remove();
  });
  const spaceliftEnv = (): Record<string, string> => ({
    TEMPORAL_URL: env.address,
    SPACELIFT_API_ENDPOINT: fake.url,
    SPACELIFT_API_KEY_ID: fake.apiKeyId,
    SPACELIFT_API_KEY_SECRET: fake.apiKeySecret,
  });

  t.test('--version and --help work with no node and no node_modules', async (t) => {
    const version = await runBinary(sandbox, ['--version'], sandbox.env());
    t.equal(version.code, 0, '--version exits 0', { stderr: version.stderr });
    t.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
    const help = await runBinary(sandbox, ['--help'], sandbox.env());
    t.equal(help.code, 0, '--help exits 0', { stderr: help.stderr });
    t.match(help.stdout, /serve/);
    t.match(help.stdout, /check-connection/);
    t.equal(help.stderr, '', 'no experimental-SEA warning or other noise');
  });

  t.test('the runtime files are extracted once to $HOME/.cache/spacelift-cascade/<hash>/ and reused', async (t) => {
    const dirs = readdirSync(sandbox.cacheRoot);
    t.equal(dirs.length, 1, 'one cache directory per build');
    t.match(dirs[0], /^[0-9a-f]{16}$/);
    const dir = join(sandbox.cacheRoot, dirs[0]!);
    for (const file of ASSET_FILES) t.ok(existsSync(join(dir, file)), file);
    const before = statSync(join(dir, ASSET_FILES[0]!));
    const again = await runBinary(sandbox, ['--version'], sandbox.env());
    t.equal(again.code, 0);
    const after = statSync(join(dir, ASSET_FILES[0]!));
    t.equal(after.ino, before.ino, 'the native addon is not rewritten on a later start');
    t.equal(after.mtimeMs, before.mtimeMs);
  });

  t.test('concurrent first starts share one cache directory; a damaged file is replaced', async (t) => {
    const cacheDir = join(sandbox.dir, 'shared-cache');
    const env = sandbox.env({ SPACELIFT_CASCADE_CACHE_DIR: cacheDir });
    const results = await Promise.all([1, 2, 3, 4].map(() => runBinary(sandbox, ['--version'], env)));
    t.same(results.map((r) => r.code), [0, 0, 0, 0], 'all four starts succeed', { stderr: results.map((r) => r.stderr) });
    const [hash] = readdirSync(cacheDir);
    const dir = join(cacheDir, hash!);
    t.same(readdirSync(dir, { recursive: true }).filter((name) => String(name).endsWith('.tmp')), [], 'no temporary files left behind');
    const bundle = join(dir, 'workflow-bundle.js');
    const size = statSync(bundle).size;
    chmodSync(bundle, 0o600);
    truncateSync(bundle, 100);
    t.equal((await runBinary(sandbox, ['--version'], env)).code, 0);
    t.equal(statSync(bundle).size, size, 'a truncated file is extracted again');
  });

  t.test('an unusable cache directory is one clear error line and exit 1', async (t) => {
    const notADirectory = join(sandbox.dir, 'a-file');
    writeFileSync(notADirectory, '');
    const result = await runBinary(sandbox, ['--version'], sandbox.env({ SPACELIFT_CASCADE_CACHE_DIR: join(notADirectory, 'cache') }));
    t.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    t.equal(lines.length, 1, 'exactly one line on stderr', { stderr: result.stderr });
    t.match(JSON.parse(lines[0]!), { level: 'error', msg: /cannot extract the runtime files to .*SPACELIFT_CASCADE_CACHE_DIR/ });
  });

  t.test('check-connection lists the namespaces and exits 0', async (t) => {
    const result = await runBinary(sandbox, ['check-connection'], sandbox.env(spaceliftEnv()), 60_000);
    t.equal(result.code, 0, 'check-connection exits 0', { stderr: result.stderr });
    t.match(result.stdout, /^default$/m, 'the default namespace is listed');
  });

  t.test('serve: a signed webhook runs the chain, triggering exactly the dependents once; SIGTERM exits 0', async (t) => {
    const port = await freePort();
    const taskQueue = `binary-${process.pid}`;
    const serve = startBinary(sandbox, ['serve'], sandbox.env({
      ...spaceliftEnv(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      SPACELIFT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_PORT: String(port),
      SHUTDOWN_GRACE_MS: '5000',
      CASCADE_MODE: 'direct',
    }));
    t.teardown(() => {
      if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    });
    await waitForOk(`http://127.0.0.1:${port}/readyz`, 60_000, serve);

    const runId = `01JBINARYTEST${Date.now()}`;
    const body = Buffer.from(JSON.stringify(runFinishedEvent('net', runId)));
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-256': sign(body, WEBHOOK_SECRET) },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    t.equal(res.status, 200, 'the delivery is accepted', { answer });
    const workflowId = chainWorkflowId('net', runId);
    t.match(answer, { workflowId });

    const result = await withTimeout(env.client.workflow.getHandle(workflowId).result() as Promise<ChainResult>, 60_000, 'the chain workflow');
    t.same(result.dependents.map((d) => [d.stack_id, d.status]).sort(), [['app', 'triggered'], ['db', 'triggered']]);
    t.equal(fake.triggerCount('app'), 1);
    t.equal(fake.triggerCount('db'), 1);
    t.equal(fake.triggerCount('edge'), 0, 'dependsOn:network is not a dependent of net');
    t.equal(fake.triggers.length, 2, 'nothing else was triggered');

    serve.child.kill('SIGTERM');
    const exit = await serve.exitWithin(15_000);
    t.equal(exit.code, 0, 'serve exits 0 after SIGTERM', { stderr: exit.stderr.slice(-4000) });
    t.notMatch(exit.stderr + exit.stdout, WEBHOOK_SECRET, 'the webhook secret is never logged');
  });

  t.test('demo runs one cascade end to end from the binary (dev server, bundled fake Spacelift)', async (t) => {
    const server = devServerExecutable();
    if (server.type !== 'existing-path') {
      t.fail('demo needs the Temporal CLI: run scripts/provision-dev-server.sh or set TEMPORAL_CLI_PATH');
      return;
    }
    // HOME is the sandbox's, so the CLI's usual place under ~/.cache is not found: name it explicitly.
    const result = await runBinary(sandbox, ['demo', '--headless'], sandbox.env({ TEMPORAL_CLI_PATH: server.path }), 180_000);
    t.equal(result.code, 0, 'demo exits 0', { stdout: result.stdout.slice(-4000), stderr: result.stderr.slice(-4000) });
    t.match(result.stdout, /→ triggered app: run \S+/, 'the cascade reached the second wave');
    t.match(result.stdout, /^reports\s+3\s+finished\s/m, 'and finished the whole graph');
    t.notMatch(result.stdout, /✘/, 'no dependent failed');
  });
}

/** A Spacelift run-state-change delivery (spacelift-api.md §4.2), FINISHED and TRACKED. */
function runFinishedEvent(stackId: string, runId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    account: 'acme',
    state: 'FINISHED',
    stateVersion: 7,
    timestamp: now,
    run: {
      id: runId,
      branch: 'main',
      createdAt: now - 60,
      type: 'TRACKED',
      triggeredBy: null,
      commit: { authorLogin: 'jdoe', authorName: 'Jane Doe', hash: '9f1c2e7a0b3d4c5e6f708192a3b4c5d6e7f80912', message: 'bump cidr', timestamp: now - 120, url: 'https://example.invalid/commit/9f1c2e7' },
      delta: { added: 1, changed: 0, deleted: 0, resources: 3 },
    },
    stack: { id: stackId, name: 'Network', description: null, labels: [] },
  };
}

function sign(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
