/*
 * require() rather than `import`: tsconfig.build.json has rootDir "src", so importing ../../package.json would be
 * TS6059. src/cli and dist/cli both sit two levels below the repo, and esbuild inlines a literal require() of a
 * JSON file, so the bundled binary carries its version without reading package.json at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifest = require('../../package.json') as { name: string; version: string };

export const PROGRAM_NAME = 'spacelift-cascade';
export const VERSION: string = manifest.version;
