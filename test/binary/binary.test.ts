// The single binary, end to end: a copy of dist/spacelift-cascade in an empty directory, with no node on PATH
// and no node_modules, against a real Temporal dev server and the fake Spacelift. Needs `npm run build:binary`
// first (scripts/test.sh and CI do that); without the binary every test here fails with that instruction.
import t from 'tap';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TestWorkflowEnvironment as Env } from '@temporalio/testing';
import { devServerExecutable } from '../../src/temporal/local-servers';
import { VERSION } from '../../src/cli/version';
import type { ChainResult } from '../../src/workflows/types';
import { startFakeSpacelift, type FakeSpacelift } from '../support/fake-spacelift';
import {
  createSandbox,
  freePort,
  missingBinaryReason,
  pinnedNodeVersion,
  runBinary,
  staleBinaryNote,
  startBinary,
  waitForOk,
  withTimeout,
  type Sandbox,
} from './run-binary';
import { STACKS, WEBHOOK_SECRET, deliverRunFinished } from './webhook-delivery';
import { cascadeWorkflowId } from '../../src/workflows/workflow-ids';

const ASSET_FILES = ['releases/x86_64-unknown-linux-gnu/index.node', 'workflow-worker-thread.js', 'mappings.wasm', 'workflow-bundle.js'];

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
    t.equal(version.stdout.trim(), `${VERSION} (node v${pinnedNodeVersion()}, linux-x64)`, 'ours and the pinned Node.js it embeds');
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
    const dir = join(sandbox.cacheRoot, dirs[0]);
    for (const file of ASSET_FILES) t.ok(existsSync(join(dir, file)), file);
    const before = statSync(join(dir, ASSET_FILES[0]));
    const again = await runBinary(sandbox, ['--version'], sandbox.env());
    t.equal(again.code, 0);
    const after = statSync(join(dir, ASSET_FILES[0]));
    t.equal(after.ino, before.ino, 'the native addon is not rewritten on a later start');
    t.equal(after.mtimeMs, before.mtimeMs);
  });

  t.test('on start, the files of builds older than the previous one are removed', async (t) => {
    const cacheDir = join(sandbox.dir, 'upgraded-cache');
    const older = ['1111111111111111', '2222222222222222', '3333333333333333']; // last used in this order
    older.forEach((hash, i) => {
      mkdirSync(join(cacheDir, hash, 'releases'), { recursive: true, mode: 0o700 });
      writeFileSync(join(cacheDir, hash, 'workflow-bundle.js'), 'an older build', { mode: 0o400 });
      const usedAt = new Date(Date.now() - (older.length - i) * 3_600_000);
      utimesSync(join(cacheDir, hash), usedAt, usedAt);
    });
    mkdirSync(join(cacheDir, 'not-a-build'));
    const result = await runBinary(sandbox, ['--version'], sandbox.env({ SPACELIFT_CASCADE_CACHE_DIR: cacheDir }));
    t.equal(result.code, 0, '--version exits 0', { stderr: result.stderr });
    t.equal(result.stdout.trim(), `${VERSION} (node v${pinnedNodeVersion()}, linux-x64)`, 'stdout has the version only');
    const current = readdirSync(cacheDir).find((name) => /^[0-9a-f]{16}$/.test(name) && !older.includes(name));
    t.ok(current, 'this build extracted its files');
    t.same(readdirSync(cacheDir).sort(), [current, older[2], 'not-a-build'].sort(), 'this build, the previous one, and what is not ours');
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    t.match(lines, [
      { level: 'info', msg: 'removed the runtime files of an older build', dir: join(cacheDir, older[1]) },
      { level: 'info', msg: 'removed the runtime files of an older build', dir: join(cacheDir, older[0]) },
    ]);
    t.equal(lines.length, 2, 'one log line per removed build');
  });

  t.test('concurrent first starts share one cache directory; a damaged file is replaced', async (t) => {
    const cacheDir = join(sandbox.dir, 'shared-cache');
    const env = sandbox.env({ SPACELIFT_CASCADE_CACHE_DIR: cacheDir });
    const results = await Promise.all([1, 2, 3, 4].map(() => runBinary(sandbox, ['--version'], env)));
    t.same(
      results.map((r) => r.code),
      [0, 0, 0, 0],
      'all four starts succeed',
      { stderr: results.map((r) => r.stderr) },
    );
    const [hash] = readdirSync(cacheDir);
    const dir = join(cacheDir, hash);
    t.same(
      readdirSync(dir, { recursive: true }).filter((name) => String(name).endsWith('.tmp')),
      [],
      'no temporary files left behind',
    );
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
    t.match(JSON.parse(lines[0]), { level: 'error', msg: /cannot extract the runtime files to .*SPACELIFT_CASCADE_CACHE_DIR/ });
  });

  t.test('check-connection lists the namespaces and exits 0', async (t) => {
    const result = await runBinary(sandbox, ['check-connection'], sandbox.env(spaceliftEnv()), 60_000);
    t.equal(result.code, 0, 'check-connection exits 0', { stderr: result.stderr });
    t.match(result.stdout, /^default$/m, 'the default namespace is listed');
  });

  t.test('serve: a signed webhook runs the chain, triggering exactly the dependents once; SIGTERM exits 0', async (t) => {
    const port = await freePort();
    const taskQueue = `binary-${process.pid}`;
    const serve = startBinary(
      sandbox,
      ['serve'],
      sandbox.env({
        ...spaceliftEnv(),
        TEMPORAL_TASK_QUEUE: taskQueue,
        SPACELIFT_WEBHOOK_SECRET: WEBHOOK_SECRET,
        WEBHOOK_HOST: '127.0.0.1',
        WEBHOOK_PORT: String(port),
        SHUTDOWN_GRACE_MS: '5000',
        CASCADE_MODE: 'direct',
      }),
    );
    t.teardown(() => {
      if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    });
    await waitForOk(`http://127.0.0.1:${port}/readyz`, 60_000, serve);

    const runId = `01JBINARYTEST${Date.now()}`;
    const { status, answer } = await deliverRunFinished(port, 'net', runId);
    t.equal(status, 200, 'the delivery is accepted', { answer });
    const workflowId = cascadeWorkflowId('net', runId);
    t.match(answer, { workflowId });

    const result = await withTimeout(
      env.client.workflow.getHandle(workflowId).result() as Promise<ChainResult>,
      60_000,
      'the chain workflow',
    );
    t.same(result.dependents.map((d) => [d.stack_id, d.status]).sort(), [
      ['app', 'triggered'],
      ['db', 'triggered'],
    ]);
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
