// deploy/systemd: the unit passes `systemd-analyze verify`, agrees with the configuration table
// (src/config/variables.ts), and scripts/install.sh lays out the files with the right modes (DESTDIR, no root).
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VARIABLES } from '../../src/config/variables';

const REPO = join(__dirname, '..', '..');
const UNIT = join(REPO, 'deploy', 'systemd', 'spacelift-cascade.service');
const ENV_EXAMPLE = join(REPO, 'deploy', 'systemd', 'spacelift-cascade.env.example');
const INSTALL = join(REPO, 'scripts', 'install.sh');
const SECRETS = VARIABLES.filter((v) => v.secret).map((v) => v.name);

const unitText = readFileSync(UNIT, 'utf8');

/** Every value of `key` in the unit, in order (repeatable directives like LoadCredential= give several). */
function directive(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

function tempDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function mode(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
}

t.test('systemd-analyze verify accepts the unit without warnings', (t) => {
  const which = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (which.error) {
    t.fail('systemd-analyze is not installed (Debian: apt-get install systemd); it is needed to verify the unit');
    return t.end();
  }
  // verify checks that ExecStart= names an executable, so point it at a stand-in in a temp copy of the unit.
  const dir = tempDir(t, 'spacelift-cascade-unit-');
  const executable = join(dir, 'spacelift-cascade');
  copyFileSync('/bin/true', executable);
  chmodSync(executable, 0o755);
  const copy = join(dir, 'spacelift-cascade.service');
  const rewritten = unitText.replace(/^ExecStart=\/usr\/local\/bin\/spacelift-cascade /m, `ExecStart=${executable} `);
  t.not(rewritten, unitText, 'ExecStart was redirected');
  writeFileSync(copy, rewritten);

  const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
  const output = `${result.stdout}${result.stderr}`;
  t.equal(result.status, 0, 'verify exits 0', { output });
  const complaints = output.split('\n').filter((line) => /spacelift-cascade|Unknown|ignoring|deprecated|obsolete/i.test(line));
  t.same(complaints, [], 'no warning about the unit (unknown directives, bad values)');
  t.end();
});

t.test('the unit runs `serve` hardened, as a dynamic user with a cache directory', (t) => {
  t.same(directive(unitText, 'ExecStart'), ['/usr/local/bin/spacelift-cascade serve']);
  t.same(directive(unitText, 'EnvironmentFile'), ['/etc/spacelift-cascade/spacelift-cascade.env']);
  const expected: Record<string, string> = {
    DynamicUser: 'yes',
    CacheDirectory: 'spacelift-cascade',
    Restart: 'on-failure',
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    PrivateTmp: 'yes',
    PrivateDevices: 'yes',
    ProtectKernelTunables: 'yes',
    ProtectKernelModules: 'yes',
    ProtectKernelLogs: 'yes',
    ProtectControlGroups: 'yes',
    RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
    RestrictNamespaces: 'yes',
    LockPersonality: 'yes',
    MemoryDenyWriteExecute: 'no',
    CapabilityBoundingSet: '',
    AmbientCapabilities: '',
    SystemCallFilter: '@system-service',
    SystemCallArchitectures: 'native',
  };
  for (const [key, value] of Object.entries(expected)) t.same(directive(unitText, key), [value], key);
  t.ok(directive(unitText, 'RestartSec').length === 1, 'RestartSec is set');
  t.end();
});

t.test('TimeoutStopSec leaves room for the SHUTDOWN_GRACE_MS drain', (t) => {
  const grace = Number(VARIABLES.find((v) => v.name === 'SHUTDOWN_GRACE_MS')?.default);
  const [timeout] = directive(unitText, 'TimeoutStopSec');
  const match = /^(\d+)s$/.exec(timeout ?? '');
  t.ok(match, `TimeoutStopSec is in seconds, got ${timeout}`);
  t.ok(Number(match?.[1]) * 1000 > grace + 5_000, `TimeoutStopSec=${timeout} exceeds SHUTDOWN_GRACE_MS=${grace} by more than 5 s`);
  t.end();
});

t.test('every secret variable is loaded as a systemd credential under its own name', (t) => {
  t.same(SECRETS.sort(), [
    'NOTIFY_SLACK_WEBHOOK_URL',
    'NOTIFY_SMTP_URL',
    'NOTIFY_WEBHOOK_SECRET',
    'OTEL_EXPORTER_OTLP_HEADERS',
    'SPACELIFT_API_KEY_SECRET',
    'SPACELIFT_WEBHOOK_SECRET',
    'TEMPORAL_API_KEY',
    'TFC_TOKEN',
    'TFC_WEBHOOK_SECRET',
  ]);
  t.same(directive(unitText, 'LoadCredential').sort(), SECRETS.map((name) => `${name}:/etc/spacelift-cascade/credentials/${name}`).sort());
  t.end();
});

t.test('the environment template documents every variable and assigns no secret', (t) => {
  const text = readFileSync(ENV_EXAMPLE, 'utf8');
  for (const variable of VARIABLES) {
    if (variable.secret) {
      t.match(text, new RegExp(`^#\\s+${variable.name}\\s`, 'm'), `${variable.name} is described as a credential file`);
      t.notMatch(text, new RegExp(`^#?${variable.name}=`, 'm'), `${variable.name} has no assignment`);
    } else {
      t.match(text, new RegExp(`^#?${variable.name}=`, 'm'), `${variable.name} is documented`);
    }
  }
  t.end();
});

t.test('install.sh with DESTDIR installs the binary, unit, config and credentials with the right modes', (t) => {
  const destdir = tempDir(t, 'spacelift-cascade-install-');
  const binary = join(tempDir(t, 'spacelift-cascade-build-'), 'spacelift-cascade');
  writeFileSync(binary, '#!/bin/sh\necho fake binary\n');
  const install = (...args: string[]) =>
    spawnSync('bash', [INSTALL, '--binary', binary, ...args], {
      encoding: 'utf8',
      env: { ...process.env, DESTDIR: destdir },
      timeout: 30_000,
    });

  const first = install();
  t.equal(first.status, 0, 'install.sh exits 0', { stderr: first.stderr });
  t.match(first.stdout, /Next steps/);
  const at = (path: string) => join(destdir, path);
  const expected: Array<[string, string]> = [
    ['usr/local/bin/spacelift-cascade', '0755'],
    ['etc/systemd/system/spacelift-cascade.service', '0644'],
    ['etc/spacelift-cascade', '0755'],
    ['etc/spacelift-cascade/spacelift-cascade.env', '0640'],
    ['etc/spacelift-cascade/spacelift-cascade.env.example', '0644'],
    ['etc/spacelift-cascade/credentials', '0700'],
    ...SECRETS.map((name): [string, string] => [`etc/spacelift-cascade/credentials/${name}`, '0600']),
  ];
  for (const [path, wanted] of expected) {
    t.ok(existsSync(at(path)), `${path} exists`);
    if (existsSync(at(path))) t.equal(mode(at(path)), wanted, `${path} is ${wanted}`);
  }
  t.equal(readFileSync(at('usr/local/bin/spacelift-cascade'), 'utf8'), readFileSync(binary, 'utf8'));
  t.equal(readFileSync(at('etc/systemd/system/spacelift-cascade.service'), 'utf8'), unitText, 'the unit is installed unchanged');
  t.equal(readFileSync(at('etc/spacelift-cascade/credentials/TEMPORAL_API_KEY'), 'utf8'), '', 'credential placeholders are empty');

  // A second install (an upgrade) keeps the operator's configuration and secrets.
  writeFileSync(at('etc/spacelift-cascade/spacelift-cascade.env'), 'TEMPORAL_URL=edited:7233\n');
  writeFileSync(at('etc/spacelift-cascade/credentials/SPACELIFT_API_KEY_SECRET'), 'kept-secret');
  const second = install('--prefix', '/opt/spacelift-cascade');
  t.equal(second.status, 0, 'a second install exits 0', { stderr: second.stderr });
  t.equal(
    readFileSync(at('etc/spacelift-cascade/spacelift-cascade.env'), 'utf8'),
    'TEMPORAL_URL=edited:7233\n',
    'the env file is not overwritten',
  );
  t.equal(readFileSync(at('etc/spacelift-cascade/credentials/SPACELIFT_API_KEY_SECRET'), 'utf8'), 'kept-secret', 'secrets are not touched');
  t.ok(existsSync(at('opt/spacelift-cascade/bin/spacelift-cascade')), '--prefix moves the binary');
  t.same(
    directive(readFileSync(at('etc/systemd/system/spacelift-cascade.service'), 'utf8'), 'ExecStart'),
    ['/opt/spacelift-cascade/bin/spacelift-cascade serve'],
    '--prefix moves ExecStart with it',
  );
  t.end();
});

t.test('install.sh refuses bad arguments and, without DESTDIR, non-root users', (t) => {
  const bad = spawnSync('bash', [INSTALL, '--frobnicate'], { encoding: 'utf8', env: { ...process.env, DESTDIR: '/nonexistent' } });
  t.equal(bad.status, 1);
  t.match(bad.stderr, /unknown argument '--frobnicate'/);
  const relative = spawnSync('bash', [INSTALL, '--prefix', 'opt', '--binary', '/bin/true'], {
    encoding: 'utf8',
    env: { ...process.env, DESTDIR: '/nonexistent' },
  });
  t.match(relative.stderr, /--prefix must be an absolute path/);

  // As root, drop to nobody for this check; as anyone else, run directly. Without DESTDIR nothing is written.
  const env = { PATH: '/usr/bin:/bin' };
  const asUser =
    process.getuid?.() === 0
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', INSTALL, '--binary', '/bin/true'], {
          encoding: 'utf8',
          env,
        })
      : spawnSync('bash', [INSTALL, '--binary', '/bin/true'], { encoding: 'utf8', env });
  t.equal(asUser.status, 1, 'exits 1', { stderr: asUser.stderr, error: asUser.error?.message });
  t.match(asUser.stderr, /run as root \(or set DESTDIR/);
  t.end();
});
