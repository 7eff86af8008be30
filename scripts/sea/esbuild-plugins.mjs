// esbuild plugins that make @temporalio/worker bundle into the single binary. Every patch is checked against the
// installed SDK: if a pattern is no longer found the build fails, naming the file, instead of producing a binary
// that breaks at run time.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

const workerLib = dirname(require.resolve('@temporalio/worker'));
const bundlerModule = join(workerLib, 'workflow', 'bundler');

/**
 * Replaces @temporalio/worker's workflow/bundler with an inert stub. The real one requires webpack (and through
 * it optional native image tools) at import time; the binary always passes a pre-built workflowBundle.
 * Only that one module is swapped, whoever imports it inside the SDK.
 */
export const stubWorkflowBundler = {
  name: 'stub-temporal-workflow-bundler',
  setup(build) {
    build.onResolve({ filter: /(^|\/)bundler$/ }, (args) =>
      resolve(args.resolveDir, args.path) === bundlerModule ? { path: join(here, 'bundler-stub.js') } : undefined,
    );
  },
};

/**
 * Inside a Node SEA, `__dirname` of every bundled module is the executable's directory. Three SDK lookups are
 * relative to their own module's directory and must find real files; this plugin routes exactly those through
 * `seaAwareDirname(__dirname)` (src/sea/runtime-dir.ts), which extracts the binary's assets on first use and
 * returns the cache directory (laid out like the packages: releases/<target>/index.node, mappings.wasm,
 * workflow-worker-thread.js). Other uses of `__dirname` are left alone.
 *
 * @param runtimeDirModule absolute path of runtime-dir (.ts under src, or the compiled .js under dist), so the
 *   bundle shares one instance with the application code that imports extract-assets.
 */
export function seaAwareDirnames(runtimeDirModule) {
  const patches = [
    {
      file: require.resolve('@temporalio/core-bridge/common.js'),
      find: "path.resolve(__dirname, 'releases'",
      replace: "path.resolve(__seaAwareDirname(__dirname), 'releases'",
    },
    {
      file: join(workerLib, 'workflow', 'threaded-vm.js'),
      find: "require.resolve('./workflow-worker-thread')",
      replace: "require('node:path').join(__seaAwareDirname(__dirname), 'workflow-worker-thread.js')",
    },
    {
      file: join(dirname(createRequire(join(workerLib, 'index.js')).resolve('source-map')), 'lib', 'read-wasm.js'),
      find: 'path.join(__dirname, "mappings.wasm")',
      replace: 'path.join(__seaAwareDirname(__dirname), "mappings.wasm")',
    },
  ];
  const byFile = new Map(patches.map((p) => [p.file, p]));
  const applied = new Set();
  return {
    name: 'sea-aware-dirnames',
    setup(build) {
      build.onLoad({ filter: /(common|threaded-vm|read-wasm)\.js$/ }, async (args) => {
        const patch = byFile.get(args.path);
        if (!patch) return undefined;
        const source = await readFile(args.path, 'utf8');
        const occurrences = source.split(patch.find).length - 1;
        if (occurrences !== 1) {
          return {
            errors: [
              {
                text: `expected "${patch.find}" once in ${args.path}, found it ${occurrences} times; update scripts/sea/esbuild-plugins.mjs for this SDK version`,
              },
            ],
          };
        }
        applied.add(args.path);
        const header = `var __seaAwareDirname = require(${JSON.stringify(runtimeDirModule)}).seaAwareDirname;\n`;
        return { contents: header + source.replace(patch.find, patch.replace), loader: 'js' };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return undefined;
        const missing = patches.filter((p) => !applied.has(p.file)).map((p) => p.file);
        return missing.length > 0
          ? { errors: [{ text: `SEA patches not applied (module not bundled?): ${missing.join(', ')}` }] }
          : undefined;
      });
    },
  };
}
