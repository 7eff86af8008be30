// `report` as a child process against a real dev server (visibility's list API: the Java test server has none), on
// cascades run by a worker in this process over the fake Spacelift: the window, --root, stuck work, every format,
// a progress count on a terminal only, and the audit log standing in once no worker can answer a status query.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createAuditLog } from '../../src/audit/audit-log';
import { runReport } from '../../src/cli/report';
import type { Report } from '../../src/report/types';
import { withWorker } from '../support/harness';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';
import { stackOf, waitForStatus } from '../support/cascade-status';
import { createDevEnv } from '../support/temporal';
import { cliEnv, runCli, type CliResult } from './run-cli';

const FINISHED = { state: 'FINISHED', delta: { added: 1, changed: 0, deleted: 0 }, afterPolls: 1 };
const RUN = `${process.pid}`;

let env: TestWorkflowEnvironment;
t.before(async () => {
  env = await createDevEnv();
});
t.teardown(() => env?.teardown());

const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCli(['report', ...args], cliEnv({ TEMPORAL_URL: env.address, ...extra }), 90_000);
const json = async (args: string[], extra: Record<string, string> = {}): Promise<Report> => {
  const result = await cli([...args, '--format', 'json'], extra);
  if (result.code !== 0) throw new Error(`report exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
};
/** Visibility is updated shortly after each change: ask again until the window shows what the test waits for. */
async function until(args: string[], ready: (report: Report) => boolean, extra: Record<string, string> = {}): Promise<Report> {
  for (let i = 0; ; i++) {
    const report = await json(args, extra);
    if (ready(report) || i >= 20) return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

t.test(
  'report over a window of real cascades: outcomes, --root, stuck work, formats; then the audit log stands in for the worker',
  async (t) => {
    const sl = await startSpacelift(
      [
        { id: 'rpt' },
        { id: 'rpt-eks', labels: ['dependsOn:rpt'] },
        { id: 'rpt-app', labels: ['dependsOn:rpt-eks', 'cascade:approval'] },
        { id: 'rpt-east' },
        { id: 'rpt-east-db', labels: ['dependsOn:rpt-east'] },
      ],
      { defaultRunOutcome: FINISHED },
    );
    t.teardown(() => stopSpacelift(sl));
    const auditPath = join(mkdtempSync(join(tmpdir(), 'report-audit-')), 'audit.jsonl');
    const auditLog = createAuditLog({ path: auditPath, maxBytes: 10_485_760, keep: 2 });
    const running = `cascade-rpt-W${RUN}`;

    await withWorker(
      env,
      sl.client,
      async ({ startCascade }) => {
        const options = { pollInitialMs: 100, pollMaxMs: 200 };
        /** A cascade from `root` whose approval gate (rpt-app) is answered with a rejection: it completes. */
        const rejected = async (root: string, run: string) => {
          const handle = await startCascade({ stack_id: root, run_id: run, options }, `cascade-${root}-${run}`);
          if (root === 'rpt') {
            await waitForStatus(handle, (s) => stackOf(s, 'rpt-app')?.state === 'waiting_for_approval');
            await handle.signal('reject', { stackId: 'rpt-app', by: 'report-test' });
          }
          await handle.result();
        };
        await rejected('rpt', `A${RUN}`);
        await rejected('rpt', `B${RUN}`);
        await rejected('rpt-east', `E${RUN}`);
        const stuck = await startCascade({ stack_id: 'rpt', run_id: `W${RUN}`, options }, running);
        await waitForStatus(stuck, (s) => stackOf(s, 'rpt-app')?.state === 'waiting_for_approval');

        const all = await until(
          ['--since', '1h', '--stuck-after', '1s'],
          (r) => r.cascades.total >= 4 && (r.cascades.byOutcome.running ?? 0) === 1 && r.stuck.stacks.length > 0,
        );
        t.same(all.cascades.byOutcome, { completed: 3, running: 1 }, 'four cascades, one still running');
        t.same(
          all.stuck.cascades.map((c) => c.workflowId),
          [running],
          'the one waiting for approval is stuck after 1 s',
        );
        t.match(
          all.stuck.stacks.find((s) => s.stackId === 'rpt-app'),
          { state: 'waiting_for_approval', reason: `approval: spacelift-cascade approve ${running} rpt-app` },
        );
        t.match(
          all.stacks.find((s) => s.id === 'rpt-eks'),
          { triggered: 3, finished: 3, successRate: 1 },
        );

        const rooted = await json(['--since', '1h', '--root', 'rpt']);
        t.equal(rooted.cascades.total, 3, '--root rpt leaves out the cascade of rpt-east, whose ID has the same prefix');
        t.equal(rooted.window.root, 'rpt');

        const text = await cli(['--since', '1h']);
        t.equal(text.code, 0, text.stderr);
        t.match(text.stdout, /^window: .*\ncascades: 4 \(3 completed, 1 running\)\n/);
        t.match(text.stdout, /\nSlowest cascades\n {2}cascade +outcome +duration/);
        t.equal(text.stderr, '', 'no progress output when stderr is not a terminal');

        const mermaid = await cli(['--cascade', `cascade-rpt-A${RUN}`, '--format', 'mermaid']);
        t.match(mermaid.stdout, new RegExp(`^gantt\\n  title cascade-rpt-A${RUN} \\(completed, `));
        t.match(mermaid.stdout, /section rpt-eks \*\n {2}triggering :done, t\d+, \d+, \d+\n/);
        const html = await cli(['--since', '1h', '--format', 'html']);
        t.match(html.stdout, /^<!DOCTYPE html>/);
        t.match(html.stdout, /<svg [^>]*role="img"/);

        const written: string[] = [];
        const progressStream = { isTTY: true, write: (text: string) => void written.push(text) };
        const output: string[] = [];
        const context = {
          env: { TEMPORAL_URL: env.address },
          configFlags: {},
          switches: new Set<string>(),
          arguments: {},
          options: { since: '1h', format: 'json' },
          stdout: (l: string) => void output.push(l),
          stderr: () => undefined,
        };
        t.equal(await runReport(context, progressStream), 0);
        t.match(written.join(''), /reading cascades… 4/, 'a count on a terminal');
        t.equal(written[written.length - 1], '\r\x1b[K', 'and the line cleared before the report');
      },
      { auditLog },
    );

    // The worker is gone: the running cascade's status query finds nobody; its decisions come from the audit log.
    const withoutWorker = await json(['--since', '1h', '--root', 'rpt'], { AUDIT_LOG_PATH: auditPath });
    t.equal(withoutWorker.cascades.fromAuditLog, 1, 'the running cascade, from the audit log');
    t.match(withoutWorker.notes.join('\n'), /no worker answered the status query/);
    t.match(
      withoutWorker.stacks.find((s) => s.id === 'rpt-eks'),
      { triggered: 3 },
      'its trigger counted from the audit log',
    );
    const unread = await json(['--since', '1h', '--root', 'rpt']);
    t.equal(unread.cascades.unreadable, 1, 'without the audit log it is counted, without its stacks');
  },
);

t.test('bad options are usage errors (exit 2) naming the option and value', async (t) => {
  const since = await cli(['--since', '7 days']);
  t.equal(since.code, 2);
  t.equal(since.stderr.trim(), "report: --since must be a number and a unit (s, m, h, d, w), e.g. 7d or 6h, got '7 days'");
  const format = await cli(['--format', 'pdf']);
  t.equal(format.code, 2);
  t.match(format.stderr, /--format must be one of text, json, markdown, mermaid, html, got 'pdf'/);
  const top = await cli(['--top', '0']);
  t.equal(top.stderr.trim(), "report: --top must be an integer from 1 to 1000, got '0'");
});
