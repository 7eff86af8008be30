// Pruning of the binary's asset cache (src/sea/prune-asset-cache.ts); binary.test.ts checks that the binary runs it.
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEPT_BUILDS, pruneAssetCache } from '../../src/sea/prune-asset-cache';

const BUILD = { v1: '1111111111111111', v2: '2222222222222222', v3: '3333333333333333', v4: '4444444444444444' };
const T0 = new Date('2026-11-01T00:00:00Z').getTime();

function cacheRoot(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'spacelift-cascade-prune-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A build directory as extraction leaves it (read-only files in a private directory), last used `minutes` after T0. */
function build(root: string, hash: string, minutes: number): void {
  const dir = join(root, hash);
  mkdirSync(join(dir, 'releases'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'releases', 'index.node'), 'addon', { mode: 0o400 });
  writeFileSync(join(dir, 'workflow-bundle.js'), 'bundle', { mode: 0o400 });
  const at = new Date(T0 + minutes * 60_000);
  utimesSync(dir, at, at);
}

const builds = (root: string) => readdirSync(root).sort((a, b) => a.localeCompare(b, 'en'));

t.test('keeps the running build and the most recently used other one; removes the rest', (t) => {
  t.equal(KEPT_BUILDS, 2);
  const root = cacheRoot(t);
  build(root, BUILD.v1, 1);
  build(root, BUILD.v2, 3);
  build(root, BUILD.v3, 2);
  build(root, BUILD.v4, 0); // the running build: its files were extracted long ago, it was used last now
  const now = new Date(T0 + 10 * 60_000);
  const result = pruneAssetCache(root, BUILD.v4, now);
  t.same(result, { removed: [join(root, BUILD.v3), join(root, BUILD.v1)], failed: [] });
  t.same(builds(root), [BUILD.v2, BUILD.v4]);
  t.equal(statSync(join(root, BUILD.v4)).mtimeMs, now.getTime(), 'the running build is marked as used now');
  t.end();
});

t.test('an upgrade keeps the version before it; a rollback keeps the one it rolled back from', (t) => {
  const root = cacheRoot(t);
  const start = (hash: string, minutes: number) => {
    if (!existsSync(join(root, hash))) build(root, hash, minutes);
    return pruneAssetCache(root, hash, new Date(T0 + minutes * 60_000)).removed;
  };
  t.same(start(BUILD.v1, 1), [], 'first install');
  t.same(start(BUILD.v2, 2), [], 'upgrade to v2: v1 is the previous version');
  t.same(start(BUILD.v3, 3), [join(root, BUILD.v1)], 'upgrade to v3: v1 goes');
  t.same(builds(root), [BUILD.v2, BUILD.v3]);
  t.same(start(BUILD.v2, 4), [], 'rollback to v2: v3 stays, for the way forward again');
  t.same(builds(root), [BUILD.v2, BUILD.v3]);
  t.end();
});

t.test('only directories named like a build hash are touched', (t) => {
  const root = cacheRoot(t);
  build(root, BUILD.v1, 1);
  build(root, BUILD.v2, 2);
  build(root, BUILD.v3, 3);
  mkdirSync(join(root, 'notes'));
  mkdirSync(join(root, 'ABCDEF0123456789')); // upper case: not ours
  writeFileSync(join(root, '0123456789abcdef'), 'a file with a build-like name');
  t.same(pruneAssetCache(root, BUILD.v3).removed, [join(root, BUILD.v1)]);
  t.same(builds(root), ['0123456789abcdef', BUILD.v2, BUILD.v3, 'ABCDEF0123456789', 'notes']);
  t.end();
});

t.test('a cache it cannot read is reported, not thrown', (t) => {
  const root = join(cacheRoot(t), 'missing');
  const result = pruneAssetCache(root, BUILD.v1);
  t.same(result.removed, []);
  t.match(result.failed, [{ dir: root, error: /ENOENT/ }]);
  t.end();
});
