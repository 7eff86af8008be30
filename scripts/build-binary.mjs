#!/usr/bin/env node
// Builds the single Linux executable (a Node Single Executable Application) that runs with no node and no
// node_modules on the host: dist/spacelift-cascade for x64, dist/spacelift-cascade-linux-arm64 for arm64.
//
//   npm run build:binary                      (runs `npm run build` first: tsc + dist/workflow-bundle.js)
//   npm run build:binary -- --arch arm64      (or --arch x64 --arch arm64: both, bundled once)
//   node scripts/build-binary.mjs [--arch x64|arm64]... [--entry dist/cli/main.js] [--out <file>] [--no-code-cache]
//
// 1. esbuild bundles the CLI with the SDK's webpack bundler stubbed out and the three __dirname-relative SDK
//    lookups rerouted to the asset cache (scripts/sea/esbuild-plugins.mjs).
// 2. esbuild bundles the SDK's workflow worker-thread script, which must exist as a file for `new Worker()`.
// 3. The files the SDK must read from disk (the core-bridge addon of the target architecture among them) become
//    SEA assets, plus a manifest naming their cache paths; src/sea/extract-assets.ts writes them to
//    <cache>/<hash>/ on first start.
// 4. The pinned Node.js (scripts/sea/node-runtime.mjs), never the node running this script: its build for the
//    host makes the blob (`--experimental-sea-config`), and postject injects that into a copy of its build for
//    the target. So any Linux machine with Node >= 20 builds the same binary.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { seaAwareDirnames, stubWorkflowBundler } from './sea/esbuild-plugins.mjs';
import { TARGETS, installPinnedNode, pinnedNodeVersion } from './sea/node-runtime.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const DEFAULT_OUT = { x64: 'dist/spacelift-cascade', arm64: 'dist/spacelift-cascade-linux-arm64' };
// Inside a SEA the main script's own `require` loads builtins only; give it a real one so that the native addon
// (an absolute path in the asset cache) can be required.
const SEA_REQUIRE_BANNER = "if (require('node:sea').isSea()) { require = require('node:module').createRequire(process.execPath); }";

const { values: args } = parseArgs({
  options: {
    arch: { type: 'string', multiple: true, default: ['x64'] },
    entry: { type: 'string', default: 'dist/cli/main.js' },
    out: { type: 'string' },
    'workflow-bundle': { type: 'string', default: 'dist/workflow-bundle.js' },
    'no-code-cache': { type: 'boolean', default: false },
  },
});

const arches = [...new Set(args.arch)];
const entry = resolve(root, args.entry);
const workflowBundle = resolve(root, args['workflow-bundle']);
// Its twin with the OpenTelemetry workflow interceptors, loaded only when tracing is on (scripts/build-workflow-bundle.mjs).
const tracedWorkflowBundle = workflowBundle.replace(/\.js$/, '-traced.js');
const staging = join(root, 'dist', '.binary-build');
const runtimes = join(root, 'dist', '.node-runtime');
const nodeVersion = pinnedNodeVersion();

const started = Date.now();
checkPrerequisites();
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const blobGenerator = pinnedNode(process.arch);

const mainScript = join(staging, 'main.cjs');
const workerThreadScript = join(staging, 'workflow-worker-thread.js');
await bundle(mainScript);
await bundleWorkerThread(workerThreadScript);
const notices = collectLegalComments([mainScript, workerThreadScript], join(staging, 'THIRD-PARTY-NOTICES.txt'));
for (const arch of arches) buildFor(arch);

function buildFor(arch) {
  const out = resolve(root, args.out ?? DEFAULT_OUT[arch]);
  const base = pinnedNode(arch);
  const dir = join(staging, arch);
  mkdirSync(dir, { recursive: true });
  const triple = TARGETS[arch].coreBridgeTriple;
  const files = [
    {
      asset: 'index.node',
      path: `releases/${triple}/index.node`,
      source: require.resolve(`@temporalio/core-bridge/releases/${triple}/index.node`),
    },
    { asset: 'workflow-worker-thread.js', path: 'workflow-worker-thread.js', source: workerThreadScript },
    { asset: 'mappings.wasm', path: 'mappings.wasm', source: resolveFromWorker('source-map/lib/mappings.wasm') },
    { asset: 'workflow-bundle.js', path: 'workflow-bundle.js', source: workflowBundle },
    { asset: 'workflow-bundle-traced.js', path: 'workflow-bundle-traced.js', source: tracedWorkflowBundle },
  ];
  const manifestPath = join(dir, 'sea-manifest.json');
  const manifest = writeManifest(manifestPath, files);

  const blob = join(dir, 'sea-prep.blob');
  const seaConfig = join(dir, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify(
      {
        main: mainScript,
        output: blob,
        disableExperimentalSEAWarning: true,
        // V8 code cache of the main script, compiled at build time: `--version` starts in ~50 ms instead of ~120 ms.
        // Only the generating node's own architecture can use it, so a cross build goes without.
        useCodeCache: !args['no-code-cache'] && arch === process.arch,
        // A startup snapshot cannot hold the native addon or open handles, and would need the CLI restructured
        // around v8.startupSnapshot.setDeserializeMainFunction: not used.
        useSnapshot: false,
        assets: Object.fromEntries([
          ['sea-manifest.json', manifestPath], // MANIFEST_ASSET in src/sea/extract-assets.ts
          ['THIRD-PARTY-NOTICES.txt', notices], // carried in the binary, never extracted
          ...files.map((f) => [f.asset, f.source]),
        ]),
      },
      null,
      2,
    ),
  );
  const seaPrep = spawnSync(blobGenerator, ['--experimental-sea-config', seaConfig], { encoding: 'utf8' });
  if (seaPrep.status !== 0) fail(`node --experimental-sea-config failed:\n${seaPrep.stdout}${seaPrep.stderr}`);

  mkdirSync(dirname(out), { recursive: true });
  const injected = inject(base, blob, out);
  if (arch === process.arch) smokeTest(injected);
  else
    log(
      `${relative(root, out)} is not started here (built for ${arch} on ${process.arch}); test/binary/arm64.test.ts runs the arm64 binary under qemu-user`,
    );
  renameSync(injected, out);
  log(
    `${relative(root, out)}: Node v${nodeVersion} linux-${arch}, ${(statSync(out).size / 1e6).toFixed(1)} MB, assets ${manifest.hash}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

function pinnedNode(arch) {
  try {
    return installPinnedNode(arch, runtimes, log);
  } catch (err) {
    return fail(err.message);
  }
}

function checkPrerequisites() {
  // The blob is made by the pinned node for this machine, so the build runs on Linux x64 or arm64.
  if (process.platform !== 'linux' || !TARGETS[process.arch]) {
    fail(`the binary is built on Linux ${Object.keys(TARGETS).join(' or ')}; this is ${process.platform}/${process.arch}`);
  }
  const unknown = arches.filter((arch) => !TARGETS[arch]);
  if (unknown.length > 0) fail(`--arch ${unknown.join(', ')}: supported are ${Object.keys(TARGETS).join(', ')}`);
  if (args.out && arches.length > 1) fail('--out names one binary: give one --arch with it');
  if (!existsSync(entry)) fail(`entry ${relative(root, entry)} does not exist; run \`npm run build\` first`);
  for (const bundle of [workflowBundle, tracedWorkflowBundle]) {
    if (!existsSync(bundle)) fail(`workflow bundle ${relative(root, bundle)} does not exist; run \`npm run build\` first`);
  }
}

/**
 * The CLI and everything it imports, SDK included, as one CommonJS file. The entry is wrapped so that the assets
 * are extracted (src/sea/prepare-sea-runtime.ts) before the CLI module, and with it any SDK module, is loaded.
 */
async function bundle(outfile) {
  // The rerouted lookups and the wrapper must share one extract-assets instance with the application code, so
  // both come from the tree the entry imports it from: src for a .ts entry, dist for the compiled one.
  const fromSource = entry.endsWith('.ts');
  const seaModule = (name) => join(root, fromSource ? 'src' : 'dist', 'sea', `${name}.${fromSource ? 'ts' : 'js'}`);
  for (const module of [seaModule('runtime-dir'), seaModule('prepare-sea-runtime')]) {
    if (!existsSync(module)) fail(`${relative(root, module)} does not exist; run \`npm run build\` first`);
  }
  await build({
    stdin: {
      contents: seaEntry(seaModule('prepare-sea-runtime')),
      resolveDir: root,
      sourcefile: 'sea-entry.js',
      loader: 'js',
    },
    outfile,
    banner: { js: SEA_REQUIRE_BANNER },
    plugins: [stubWorkflowBundler, seaAwareDirnames(seaModule('runtime-dir'))],
  });
}

/**
 * Extract first, then load the CLI. src/cli/main.ts runs itself on load (it has no `require.main === module`
 * guard, which no module inside a bundle would pass); the smoke test below catches an entry that does not.
 */
function seaEntry(prepareModule) {
  return [`require(${JSON.stringify(prepareModule)}).prepareSeaRuntime();`, `require(${JSON.stringify(entry)});`].join('\n');
}

/** Runs as a plain file from the asset cache, so its own __dirname lookups (mappings.wasm) need no patch. */
async function bundleWorkerThread(outfile) {
  await build({
    entryPoints: [join(dirname(require.resolve('@temporalio/worker')), 'workflow', 'workflow-worker-thread.js')],
    outfile,
    plugins: [stubWorkflowBundler],
  });
}

async function build(options) {
  const result = await esbuild
    .build({
      bundle: true,
      platform: 'node',
      target: `node${nodeVersion.split('.')[0]}`,
      format: 'cjs',
      logLevel: 'silent',
      // Resolved only when bundling workflows or by the debug replayer, neither of which the binary does.
      logOverride: { 'require-resolve-not-external': 'silent' },
      // V8 keeps each script's source in its heap, and one non-ASCII character in a comment makes it a two-byte
      // string: without comments and indentation (names are kept, for stack traces) the main script takes 3 MB
      // there instead of 12.5 MB.
      minifyWhitespace: true,
      // Licence comments (one has a non-ASCII name in it) go to <outfile>.LEGAL.txt, embedded as an asset instead.
      legalComments: 'external',
      ...options,
    })
    .catch((err) => fail(`esbuild failed for ${relative(root, options.outfile)}:\n${err.message}`));
  for (const warning of result.warnings) log(`esbuild warning: ${warning.text}`);
}

/** The licence comments esbuild moved out of the bundles, as one file. */
function collectLegalComments(bundles, target) {
  const parts = bundles.map((b) => `${b}.LEGAL.txt`).filter(existsSync);
  writeFileSync(
    target,
    parts.map((p) => `# ${relative(staging, p).replace(/\.LEGAL\.txt$/, '')}\n\n${readFileSync(p, 'utf8')}`).join('\n'),
  );
  return target;
}

function writeManifest(path, entries) {
  for (const file of entries) {
    const bytes = readFileSync(file.source);
    file.size = bytes.length;
    file.sha256 = createHash('sha256').update(bytes).digest('hex');
  }
  const fingerprint = entries.map((f) => `${f.path} ${f.sha256}\n`).join('');
  const result = {
    hash: createHash('sha256').update(fingerprint).digest('hex').slice(0, 16),
    files: entries.map(({ asset, path: p, size }) => ({ asset, path: p, size })),
  };
  writeFileSync(path, JSON.stringify(result, null, 2));
  return result;
}

/** Copies the pinned node of the target, injects the blob and flips the SEA fuse, next to the target; returns its path. */
function inject(base, blobPath, target) {
  const tmp = `${target}.tmp`;
  copyFileSync(base, tmp);
  chmodSync(tmp, 0o755);
  const postject = join(dirname(require.resolve('postject')), 'cli.js');
  const result = spawnSync(process.execPath, [postject, tmp, 'NODE_SEA_BLOB', blobPath, '--sentinel-fuse', SEA_FUSE], {
    encoding: 'utf8',
  });
  // LIEF warns about every unnamed ELF note section in the node binary ("Can't find string offset for section
  // name '.note...'"); those are harmless. Anything else is shown.
  const output = `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => line && !/string offset for section name '\.note/.test(line));
  if (result.status !== 0) fail(`postject failed (${result.status ?? result.signal}):\n${output.join('\n')}`);
  for (const line of output) if (!/Start injection|Injection done/.test(line)) log(`postject: ${line}`);
  return tmp;
}

/**
 * The binary must start with no node on PATH and extract its assets (`--version` loads no SDK module); only then
 * does it replace dist/spacelift-cascade, so a broken build never leaves a binary behind for the tests.
 */
function smokeTest(binary) {
  const cache = join(staging, 'smoke-cache');
  const result = spawnSync(binary, ['--version'], {
    encoding: 'utf8',
    env: { PATH: '/nonexistent', HOME: staging, SPACELIFT_CASCADE_CACHE_DIR: cache },
    timeout: 30_000,
  });
  rmSync(cache, { recursive: true, force: true });
  if (result.status !== 0 || result.stdout.trim() === '') {
    rmSync(binary, { force: true });
    fail(
      `the built binary does not work: \`--version\` exited ${result.status ?? result.signal}, printed '${result.stdout.trim()}'\n${result.stderr}`,
    );
  }
}

function resolveFromWorker(request) {
  return createRequire(require.resolve('@temporalio/worker')).resolve(request);
}

function log(message) {
  console.error(`build-binary: ${message}`);
}

function fail(message) {
  log(message);
  process.exit(1);
}
