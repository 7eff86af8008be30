// @ts-check
// ESLint for the TypeScript sources (src, test, bench, scripts). Formatting is Prettier's job (.prettierrc): no rule
// here is stylistic. `npm run lint` runs the typecheck, this, and `prettier --check`.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = builtinModules.flatMap((name) => (name.startsWith('node:') ? [name] : [name, `${name}/*`, `node:${name}`]));

/** Workflow code runs in Temporal's deterministic sandbox; these imports bring I/O or activity runtime code into it. */
const WORKFLOW_IMPORT_BANS = [
  { group: NODE_BUILTINS, message: 'Workflow code does no I/O: Node built-ins belong in activities.' },
  { group: ['undici', 'undici/*'], message: 'Workflow code does no I/O: HTTP belongs in activities.' },
  {
    group: [
      '@temporalio/client',
      '@temporalio/client/*',
      '@temporalio/activity',
      '@temporalio/activity/*',
      '@temporalio/worker',
      '@temporalio/worker/*',
    ],
    message: 'Workflow code imports only @temporalio/workflow and @temporalio/common.',
  },
  {
    group: ['**/activities', '**/activities/*'],
    message: 'Workflows reach activities through proxyActivities: import their types only (`import type`).',
  },
];

export default defineConfig(
  {
    ignores: ['dist/', 'coverage/', '.tap/', '.tools/', 'node_modules/', 'scripts/sea/node-runtime/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // tsconfig.json covers src, test, bench and scripts/*.ts; the JavaScript files are linted untyped (below).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses a dependency only when its extension is listed here (the default is JavaScript only).
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      // A runtime cycle means a module can see another half-initialised; type-only imports are erased and do not count.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // JSON (schemas, fixtures, package.json) is loaded with a literal require(): an import would pull it into the build's
      // rootDir (TS6059), and esbuild inlines a literal require() into the single-executable binary.
      // node:sea is required lazily: it does not exist before Node 20.12 (src/sea/extract-assets.ts).
      '@typescript-eslint/no-require-imports': ['error', { allow: ['\\.json$', '^node:sea$'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }, // require() is how a CommonJS file imports
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // tap queues a subtest and the parent waits for it: t.test() is not awaited by convention.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      // Fakes implement async interfaces (the Spacelift client, activities) with values at hand: `async () => stacks`.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The determinism standard: workflow code runs in Temporal's sandbox, which replaces Date.now() and new Date() with
    // the workflow task's time, so those stay allowed (the code relies on them). Sandbox timers ignore cancellation
    // scopes, so workflows use sleep()/condition(); nothing needs Math.random(), so it stays out.
    files: ['src/workflows/**/*.ts', 'bench/*/workflows.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'].map((name) => ({
          name,
          message: 'Use sleep() or condition() from @temporalio/workflow: sandbox timers ignore cancellation scopes.',
        })),
        ...['WeakRef', 'FinalizationRegistry'].map((name) => ({ name, message: 'Garbage collection is not deterministic.' })),
        { name: 'process', message: 'Workflow code reads no environment: pass values in the workflow input.' },
        { name: 'fetch', message: 'Workflow code does no I/O: HTTP belongs in activities.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow, or derive the value from the input.' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: WORKFLOW_IMPORT_BANS.map((ban) => ({ ...ban, allowTypeImports: true })) },
      ],
    },
  },
);
