#!/usr/bin/env node
// Pre-bundles src/workflows with the SDK's own webpack bundler, so production workers (and the single binary, which
// has no bundler at all) load it with `workflowBundle: { codePath }`: dist/workflow-bundle.js, and
// dist/workflow-bundle-traced.js with the OpenTelemetry workflow interceptors, which a worker loads only when
// tracing is on (they add about 2 MB of code and 25 MB of memory to the workflow thread).
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
const outDir = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');

const INLINE_SOURCE_MAP = /\/\/# sourceMappingURL=data:application\/json;[^\n]*base64,/;

// The OpenTelemetry workflow interceptors (src/tracing/workflow-modules.ts says what they do).
const workflowInterceptors = join(root, 'src', 'tracing', 'workflow-interceptors.ts');

await build('workflow-bundle.js', []);
await build('workflow-bundle-traced.js', [workflowInterceptors]);

async function build(name, workflowInterceptorModules) {
  const outFile = join(outDir, name);
  const started = Date.now();
  const code = slim((await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietLogger() })).code);
  if (!INLINE_SOURCE_MAP.test(code)) {
    throw new Error('workflow bundle has no inline source map; Worker.create would reject it');
  }
  await mkdir(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  await writeFile(tmp, code);
  await rename(tmp, outFile);
  console.error(`build-workflow-bundle: ${relative(root, outFile)} ${(code.length / 1e6).toFixed(2)} MB in ${Date.now() - started} ms`);
}

/**
 * Less memory in the workflow thread, same behaviour. The inline source map keeps its mappings (stack traces still
 * name file and line) but drops `sourcesContent`, a copy of every source file (about 690 kB of the 1.9 MB bundle).
 * The few non-ASCII characters are written as \u escapes: V8 then holds the whole script as a one-byte string, half
 * the size (columns on those lines shift in the map; lines stay right).
 */
function slim(code) {
  const match = /(\/\/# sourceMappingURL=data:application\/json;[^\n]*base64,)([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!match) return code;
  const map = JSON.parse(Buffer.from(match[2], 'base64').toString('utf8'));
  delete map.sourcesContent;
  // eslint-disable-next-line no-control-regex -- the class is "every non-ASCII UTF-16 code unit", \x00 included on purpose
  const body = code.slice(0, match.index).replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${body}${match[1]}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/** The bundler logs every webpack step at info; only warnings and errors matter to a build. */
function quietLogger() {
  const emit = (level) => (message, meta) =>
    console.error(`build-workflow-bundle ${level}: ${message}${meta ? ' ' + JSON.stringify(meta) : ''}`);
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, log: ignore, warn: emit('warn'), error: emit('error') };
}
