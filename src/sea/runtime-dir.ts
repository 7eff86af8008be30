import { extractSeaAssets } from './extract-assets';

/**
 * The directory a bundled SDK module should treat as its own `__dirname`.
 *
 * scripts/build-binary.mjs rewrites the three SDK lookups that are relative to their module's directory to go
 * through this function: core-bridge's `releases/<target>/index.node`, the worker's
 * `require.resolve('./workflow-worker-thread')` and source-map's `mappings.wasm`. Inside the binary, `__dirname`
 * is the executable's directory, so those files are looked up in the asset cache instead, which mirrors the
 * package layout. Under plain node (the esbuild bundle run directly) the module's own directory is kept.
 */
export function seaAwareDirname(moduleDirname: string): string {
  return extractSeaAssets()?.dir ?? moduleDirname;
}
