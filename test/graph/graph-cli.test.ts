// `spacelift-cascade graph`: from a fixture file (no network), the exit codes of its mistakes, and the progress
// indicator while a (fake, local) account is read page by page.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/run-main';
import { runGraph } from '../../src/cli/graph';
import type { GraphJson } from '../../src/graph/graph-json';
import { createProgress } from '../../src/graph/progress';
import { startFakeSpacelift } from '../support/fake-spacelift';

const FIXTURE = join(__dirname, 'fixtures', 'example.json');
const golden = (name: string) => readFileSync(join(__dirname, 'golden', name), 'utf8');

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { env, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout: stdout.map((l) => `${l}\n`).join(''), stderr };
}

t.test('--fixture: every format, whole account and --root, exactly as the renderers draw them', async (t) => {
  t.same(await run(['graph', '--fixture', FIXTURE]), { code: 0, stdout: golden('account.tree.txt'), stderr: [] });
  for (const format of ['tree', 'mermaid', 'dot', 'json']) {
    t.same(await run(['graph', '--fixture', FIXTURE, '--root', 'vpc', '--format', format]), {
      code: 0,
      stdout: golden(`vpc.${format}.txt`),
      stderr: [],
    });
  }
});

t.test('mistakes: one stderr line and the exit code', async (t) => {
  t.same(await run(['graph', '--fixture', FIXTURE, '--root', 'nope']), {
    code: 1,
    stdout: '',
    stderr: [`graph: stack nope not found in fixture ${FIXTURE}`],
  });
  t.same(await run(['graph', '--format', 'svg']), {
    code: 2,
    stdout: '',
    stderr: ["spacelift-cascade: --format must be one of tree, mermaid, dot, json, got 'svg' (see spacelift-cascade graph --help)"],
  });
  t.same(await run(['graph']), {
    code: 2,
    stdout: '',
    stderr: [
      'graph: Spacelift API credentials are missing: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET, or use --fixture <file>',
    ],
  });
  t.same(await run(['graph', '--fixture', '/nonexistent.json']), {
    code: 1,
    stdout: '',
    stderr: ['graph: fixture /nonexistent.json: cannot be read (ENOENT)'],
  });
  const help = await run(['graph', '--help']);
  t.match(help.stdout, /--root <stack-id> +Only the cascade below this stack/);
  t.match(help.stdout, /--fixture <file>/);
});

t.test('progress: rewritten in place on a terminal, nothing at all otherwise', async (t) => {
  const written: string[] = [];
  const tty = createProgress({ isTTY: true, write: (s) => written.push(s) }, 'reading stacks…');
  tty.update(50);
  tty.update(1250);
  tty.done();
  t.same(written, ['\r\x1b[Kreading stacks… 50', '\r\x1b[Kreading stacks… 1,250', '\r\x1b[K']);
  const piped: string[] = [];
  const quiet = createProgress({ isTTY: false, write: (s) => piped.push(s) }, 'reading stacks…');
  quiet.update(50);
  quiet.done();
  t.same(piped, []);
});

t.test('live: reads the account page by page (listAllStacks onPage), progress on the terminal only', async (t) => {
  const stacks = Array.from({ length: 120 }, (_, i) => ({
    id: `s${String(i).padStart(3, '0')}`,
    labels: i === 0 ? [] : [`dependsOn:s${String(i - 1).padStart(3, '0')}`],
  }));
  const fake = await startFakeSpacelift({ stacks });
  t.teardown(() => fake.close());
  const env = { SPACELIFT_API_ENDPOINT: fake.url, SPACELIFT_API_KEY_ID: fake.apiKeyId, SPACELIFT_API_KEY_SECRET: fake.apiKeySecret };
  const context = (out: string[]) => ({
    env,
    configFlags: {},
    switches: new Set<string>(),
    arguments: {},
    options: { root: 's118', format: 'json' },
    stdout: (l: string) => out.push(l),
    stderr: () => undefined,
  });
  const terminal: string[] = [];
  const out: string[] = [];
  t.equal(await runGraph(context(out), { isTTY: true, write: (s) => terminal.push(s) }), 0);
  t.same(terminal, ['\r\x1b[Kreading stacks… 50', '\r\x1b[Kreading stacks… 100', '\r\x1b[Kreading stacks… 120', '\r\x1b[K']);
  t.same((JSON.parse(out.join('\n')) as GraphJson).waves, [{ wave: 1, stacks: ['s119'] }]);
  const redirected: string[] = [];
  t.equal(await runGraph(context([]), { isTTY: false, write: (s) => redirected.push(s) }), 0);
  t.same(redirected, []);
});
