// The binary's asset extraction, under plain node with an in-memory stand-in for node:sea (binary.test.ts runs
// the real thing inside the binary).
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AssetExtractionError,
  MANIFEST_ASSET,
  assetCacheRoot,
  extractAssets,
  extractSeaAssets,
  isSeaBinary,
  type AssetSource,
  type SeaManifest,
} from '../../src/sea/extract-assets';
import { prepareSeaRuntime } from '../../src/sea/prepare-sea-runtime';
import { seaAwareDirname } from '../../src/sea/runtime-dir';
import { resolveWorkflowSource } from '../../src/temporal/workflow-source';

const FILES: Record<string, string> = {
  'index.node': 'native addon bytes',
  'workflow-bundle.js': '// workflow bundle',
};
const MANIFEST: SeaManifest = {
  hash: '0123456789abcdef',
  files: [
    { asset: 'index.node', path: 'releases/x86_64-unknown-linux-gnu/index.node', size: FILES['index.node'].length },
    { asset: 'workflow-bundle.js', path: 'workflow-bundle.js', size: FILES['workflow-bundle.js'].length },
  ],
};

function fakeSea(reads: string[] = []): AssetSource {
  return {
    getAsset: (key) => {
      if (key !== MANIFEST_ASSET) throw new Error(`unexpected text asset ${key}`);
      return JSON.stringify(MANIFEST);
    },
    getRawAsset: (key) => {
      reads.push(key);
      const text = FILES[key];
      if (text === undefined) throw new Error(`no asset ${key}`);
      return new TextEncoder().encode(text).buffer;
    },
  };
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'spacelift-cascade-assets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('cache root: $SPACELIFT_CASCADE_CACHE_DIR, then systemd $CACHE_DIRECTORY, then XDG, then ~/.cache', (t) => {
  const home = () => '/home/ops';
  t.equal(assetCacheRoot({ SPACELIFT_CASCADE_CACHE_DIR: '/x', CACHE_DIRECTORY: '/var/cache/y', XDG_CACHE_HOME: '/z' }, home), '/x');
  t.equal(
    assetCacheRoot({ CACHE_DIRECTORY: '/var/cache/spacelift-cascade:/var/cache/other', XDG_CACHE_HOME: '/z' }, home),
    '/var/cache/spacelift-cascade',
  );
  t.equal(assetCacheRoot({ XDG_CACHE_HOME: '/z' }, home), '/z/spacelift-cascade');
  t.equal(assetCacheRoot({ XDG_CACHE_HOME: '' }, home), '/home/ops/.cache/spacelift-cascade');
  t.equal(assetCacheRoot({}, home), '/home/ops/.cache/spacelift-cascade');
  t.end();
});

t.test('extracts every asset to <root>/<hash>/ on the first start, and reuses them afterwards', (t) => {
  const root = tempDir(t);
  const reads: string[] = [];
  const first = extractAssets(fakeSea(reads), root);
  const dir = join(root, MANIFEST.hash);
  t.same(first, {
    dir,
    workflowBundlePath: join(dir, 'workflow-bundle.js'),
    tracedWorkflowBundlePath: join(dir, 'workflow-bundle-traced.js'),
    extracted: true,
  });
  t.equal(readFileSync(join(dir, 'releases/x86_64-unknown-linux-gnu/index.node'), 'utf8'), FILES['index.node']);
  t.equal(readFileSync(first.workflowBundlePath, 'utf8'), FILES['workflow-bundle.js']);
  t.equal(statSync(dir).mode & 0o777, 0o700, 'the cache directory is private');
  t.same(
    readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.tmp')),
    [],
    'no temporary files remain',
  );

  reads.length = 0;
  const second = extractAssets(fakeSea(reads), root);
  t.equal(second.extracted, false);
  t.same(reads, [], 'a warm start reads no asset');
  t.end();
});

t.test('a file of the wrong size (interrupted by a crash, tampered with) is written again', (t) => {
  const root = tempDir(t);
  const { workflowBundlePath } = extractAssets(fakeSea(), root);
  rmSync(workflowBundlePath);
  writeFileSync(workflowBundlePath, 'short');
  const reads: string[] = [];
  t.equal(extractAssets(fakeSea(reads), root).extracted, true);
  t.same(reads, ['workflow-bundle.js'], 'only the damaged file is rewritten');
  t.equal(readFileSync(workflowBundlePath, 'utf8'), FILES['workflow-bundle.js']);
  t.end();
});

t.test('an unwritable cache root fails with the directory and the way out in the message', (t) => {
  const root = tempDir(t);
  const file = join(root, 'not-a-directory');
  writeFileSync(file, '');
  t.throws(() => extractAssets(fakeSea(), join(file, 'cache')), {
    name: 'AssetExtractionError',
    message: new RegExp(`cannot extract the runtime files to ${file}/cache/${MANIFEST.hash}: ENOTDIR.*SPACELIFT_CASCADE_CACHE_DIR`),
  });
  t.type(new AssetExtractionError('/d', new Error('x')), Error);
  t.end();
});

t.test('under plain node nothing is extracted and every lookup keeps its own directory', (t) => {
  t.equal(isSeaBinary(), false);
  t.equal(extractSeaAssets(), undefined);
  t.equal(seaAwareDirname('/some/module/dir'), '/some/module/dir');
  t.doesNotThrow(() => prepareSeaRuntime());
  t.end();
});

t.test('workflow source: $SPACELIFT_CASCADE_WORKFLOW_BUNDLE wins, else a built bundle, else the sources', (t) => {
  const saved = process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE;
  t.teardown(() => {
    if (saved === undefined) delete process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE;
    else process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE = saved;
  });
  process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE = '/opt/bundle.js';
  t.same(resolveWorkflowSource(false), { bundlePath: '/opt/bundle.js' });
  t.same(resolveWorkflowSource(true), { bundlePath: '/opt/bundle.js' }, 'whether tracing is on or not');
  delete process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE;
  // From src/ (tsx) there is no src/workflow-bundle.js, so the SDK bundles src/workflows at start.
  t.same(resolveWorkflowSource(false), { workflowsPath: require.resolve('../../src/workflows') });
  t.end();
});

t.test('built (dist/): the bundle with the OpenTelemetry interceptors only when tracing is on', (t) => {
  // The built file, loaded at run time (it exists only after `npm run build`): an import would be resolved at compile time.
  const { resolveWorkflowSource: fromDist } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../dist/temporal/workflow-source') as typeof import('../../src/temporal/workflow-source');
  const dist = join(__dirname, '..', '..', 'dist');
  t.same(fromDist(false), { bundlePath: join(dist, 'workflow-bundle.js') });
  t.same(fromDist(true), { bundlePath: join(dist, 'workflow-bundle-traced.js') });
  const size = (name: string) => statSync(join(dist, name)).size;
  t.ok(size('workflow-bundle-traced.js') > size('workflow-bundle.js') + 500_000, 'the plain bundle leaves the tracing code out');
  t.end();
});
