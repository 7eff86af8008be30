#!/usr/bin/env node
// The @yao-pkg/pkg trial behind "Node SEA, not pkg" (README, Design decisions): builds dist/spacelift-cascade-pkg
// with `pkg --sea` from the same esbuild bundle, assets and pinned Node.js as dist/spacelift-cascade, so that
// bench/binary.mjs measures the two side by side. pkg is installed into a temporary directory, never into the project.
//
//   npm run build:binary && node bench/pkg-trial.mjs [--show-failures] && node --import tsx bench/binary.mjs
//
// pkg cannot build from a given Node binary: its CLI resolves the target version on nodejs.org and downloads the
// official tarball (--show-failures runs those two commands first and prints their errors). To compare anyway,
// this script puts the pinned binary into pkg's download cache, in the tarball's layout and with the `.ok` marker
// pkg writes after checking a download's SHA-256 against nodejs.org, under a temporary HOME.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { stubWorkflowBundler } from '../scripts/sea/esbuild-plugins.mjs';
import { installPinnedNode, pinnedNodeVersion } from '../scripts/sea/node-runtime.mjs';

const PKG = '@yao-pkg/pkg@6.23.0';
const TRIPLE = 'x86_64-unknown-linux-gnu';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'dist', 'spacelift-cascade-pkg');
const { values: args } = parseArgs({ options: { 'show-failures': { type: 'boolean', default: false } } });

const work = mkdtempSync(join(tmpdir(), 'spacelift-cascade-pkg-'));
try {
  const version = pinnedNodeVersion();
  const node = installPinnedNode('x64', join(root, 'dist', '.node-runtime'), log);
  run('npm', ['install', '--prefix', join(work, 'pkg'), '--no-audit', '--no-fund', '--ignore-scripts', PKG]);
  const pkgCli = join(work, 'pkg', 'node_modules', '@yao-pkg', 'pkg', 'lib-es5', 'bin.js');
  const app = await pkgInput(join(work, 'app'));
  const home = join(work, 'home');
  mkdirSync(home);
  const pkg = (nodeBinary, target) =>
    spawnSync(nodeBinary, [pkgCli, '--sea', '-t', target, '-o', out, '.'], {
      cwd: app,
      env: { ...process.env, HOME: home },
      encoding: 'utf8',
    });

  if (args['show-failures']) {
    for (const [label, nodeBinary, target] of [
      [`the host's node ${process.version}`, process.execPath, 'node24-linux-x64'],
      [`the pinned node v${version}`, node, 'node24-linux-x64'],
      [`the pinned node v${version}, exact target`, node, `node${version}-linux-x64`],
    ]) {
      const result = pkg(nodeBinary, target);
      log(`pkg --sea -t ${target} . with ${label}: exit ${result.status}\n${errorLines(result)}`);
    }
  }

  const tarballDir = join(home, '.pkg-cache', 'sea');
  const name = `node-v${version}-linux-x64`;
  mkdirSync(join(work, 'tarball', name, 'bin'), { recursive: true });
  mkdirSync(tarballDir, { recursive: true });
  copyFileSync(node, join(work, 'tarball', name, 'bin', 'node'));
  run('tar', ['-czf', join(tarballDir, `${name}.tar.gz`), '-C', join(work, 'tarball'), name]);
  writeFileSync(join(tarballDir, `${name}.tar.gz.ok`), '');
  const started = Date.now();
  const result = pkg(node, `node${version}-linux-x64`);
  if (result.status !== 0) throw new Error(`pkg --sea failed:\n${result.stdout}${result.stderr}`);
  log(`${out}: ${(statSync(out).size / 1e6).toFixed(1)} MB, pkg ran ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * The project pkg packs: the esbuild bundle of the CLI without our SEA layer (src/sea/extract-assets stubbed out,
 * as if pkg had replaced it), the worker-thread bundle, and the files the SDK reads, where its __dirname-relative
 * lookups find them inside pkg's /snapshot file system.
 */
async function pkgInput(app) {
  const cli = join(app, 'cli');
  const withoutSea = {
    name: 'without-our-sea-layer',
    setup(build) {
      build.onResolve({ filter: /sea\/extract-assets$/ }, () => ({ path: 'extract-assets', namespace: 'pkg-trial' }));
      build.onLoad({ filter: /.*/, namespace: 'pkg-trial' }, () => ({
        contents: 'exports.extractSeaAssets = () => undefined; exports.isSeaBinary = () => false;',
        loader: 'js',
      }));
    },
  };
  const options = {
    bundle: true,
    platform: 'node',
    target: `node${pinnedNodeVersion().split('.')[0]}`,
    format: 'cjs',
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'error',
    logOverride: { 'require-resolve-not-external': 'silent' },
  };
  await esbuild.build({
    ...options,
    entryPoints: [join(root, 'dist', 'cli', 'main.js')],
    outfile: join(cli, 'main.cjs'),
    plugins: [stubWorkflowBundler, withoutSea],
  });
  const workerLib = dirname(require.resolve('@temporalio/worker'));
  await esbuild.build({
    ...options,
    entryPoints: [join(workerLib, 'workflow', 'workflow-worker-thread.js')],
    outfile: join(cli, 'workflow-worker-thread.js'),
    plugins: [stubWorkflowBundler],
  });
  mkdirSync(join(cli, 'releases', TRIPLE), { recursive: true });
  copyFileSync(require.resolve(`@temporalio/core-bridge/releases/${TRIPLE}/index.node`), join(cli, 'releases', TRIPLE, 'index.node'));
  copyFileSync(createRequire(join(workerLib, 'index.js')).resolve('source-map/lib/mappings.wasm'), join(cli, 'mappings.wasm'));
  copyFileSync(join(root, 'dist', 'workflow-bundle.js'), join(app, 'workflow-bundle.js')); // src/temporal/workflow-source.ts: ../workflow-bundle.js
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'spacelift-cascade',
        version: '0.0.0',
        private: true,
        bin: 'cli/main.cjs',
        pkg: { assets: ['cli/releases/**/*', 'cli/workflow-worker-thread.js', 'cli/mappings.wasm', 'workflow-bundle.js'] },
      },
      null,
      2,
    ),
  );
  return app;
}

function run(command, argv) {
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/** pkg's error, without its warnings about the bundle's entry point. */
function errorLines(result) {
  return `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => /Error|error|failed/.test(line))
    .slice(0, 3)
    .join('\n');
}

function log(message) {
  console.error(`pkg-trial: ${message}`);
}
