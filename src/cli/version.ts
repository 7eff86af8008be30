/*
 * require() rather than `import`: tsconfig.build.json has rootDir "src", so importing ../../package.json would be
 * TS6059. src/cli and dist/cli both sit two levels below the repo, and esbuild inlines a literal require() of a
 * JSON file, so the bundled binary carries its version without reading package.json at run time.
 */

const manifest = require('../../package.json') as { name: string; version: string };

export const PROGRAM_NAME = 'spacelift-cascade';
export const VERSION: string = manifest.version;

/**
 * What `--version` prints: ours, then the Node.js that runs us, e.g. `0.1.0 (node v24.22.3, linux-x64)`. The single
 * binary embeds its Node.js, so a Node security release means a new binary: this line says which one a host runs.
 */
export function versionLine(runtime: Pick<NodeJS.Process, 'version' | 'platform' | 'arch'> = process): string {
  return `${VERSION} (node ${runtime.version}, ${runtime.platform}-${runtime.arch})`;
}
