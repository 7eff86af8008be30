#!/usr/bin/env node
// Pre-bundles src/workflows into dist/workflow-bundle.js with the SDK's own webpack bundler, so production
// workers (and the single binary, which has no bundler at all) load it with `workflowBundle: { codePath }`.
// The bundle must come from the same @temporalio/worker version that runs Worker.create, and it must keep its
// inline source map: Worker.create refuses a bundle without one.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { bundleWorkflowCode } = require('@temporalio/worker');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workflowsPath = join(root, 'src', 'workflows', 'index.ts');
const outFile = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist', 'workflow-bundle.js');

const INLINE_SOURCE_MAP = /\/\/# sourceMappingURL=data:application\/json;[^\n]*base64,/;

// The OpenTelemetry workflow interceptors ride in every bundle (src/tracing/workflow-modules.ts says why).
const workflowInterceptors = join(root, 'src', 'tracing', 'workflow-interceptors.ts');

const started = Date.now();
const { code } = await bundleWorkflowCode({
  workflowsPath,
  workflowInterceptorModules: [workflowInterceptors],
  logger: quietLogger(),
});
if (!INLINE_SOURCE_MAP.test(code)) {
  throw new Error('workflow bundle has no inline source map; Worker.create would reject it');
}

await mkdir(dirname(outFile), { recursive: true });
const tmp = `${outFile}.${process.pid}.tmp`;
await writeFile(tmp, code);
await rename(tmp, outFile);
console.error(
  `build-workflow-bundle: ${relative(root, outFile)} ${(code.length / 1e6).toFixed(2)} MB in ${Date.now() - started} ms`,
);

/** The bundler logs every webpack step at info; only warnings and errors matter to a build. */
function quietLogger() {
  const emit = (level) => (message, meta) =>
    console.error(`build-workflow-bundle ${level}: ${message}${meta ? ' ' + JSON.stringify(meta) : ''}`);
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, log: ignore, warn: emit('warn'), error: emit('error') };
}
