/**
 * Discovery: Spacelift API calls and time to find the dependents of one stack in accounts of 100, 1,000 and
 * 10,000 stacks, for SPACELIFT_DISCOVERY=scan and =label. Two questions per account:
 *   - direct dependents (`findDependentStacks`, what StackDependencyChainWorkflow asks: listCandidateDependents)
 *   - the whole downstream graph (`planCascade`, what CascadeWorkflow asks)
 * Requests are counted at the fake Spacelift (every call delayed 20 ms, as in bench:fanout); the API key is
 * exchanged before counting starts.
 *
 *   npm run bench:discovery [-- --sizes 100,1000,10000 --repeats 3 --no-write]
 */
import { parseArgs } from 'node:util';
import { createActivities } from '../src/activities';
import { SpaceliftClient } from '../src/spacelift/client';
import { startFakeSpacelift, type FakeSpacelift } from '../test/support/fake-spacelift';
import { generateStacks } from '../test/support/generate-stacks';
import { loadNote, machineMeter, waitForQuietMachine } from './support/processes';
import { machine, median, ms, table, today, writeSection } from './support/report';

const COMMAND = 'npm run bench:discovery';
const LATENCY_MS = 20;
const DIRECT_DEPENDENTS = 10;
const ROOT = 'root';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,10000' },
    repeats: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const REPEATS = Number(args.repeats);

type Mode = 'scan' | 'label';
type Question = 'direct' | 'graph';

interface Row {
  total: number;
  mode: Mode;
  question: Question;
  found: number;
  requests: number;
  byOperation: string;
  timeMs: number;
}

async function measure(fake: FakeSpacelift, total: number, mode: Mode, question: Question): Promise<Row> {
  const client = new SpaceliftClient({
    endpoint: fake.url,
    apiKeyId: fake.apiKeyId,
    apiKeySecret: fake.apiKeySecret,
    discovery: mode,
    requestTimeoutMs: 30_000,
  });
  const activities = createActivities({ spacelift: client, discovery: mode });
  try {
    await client.verifyCredentials();
    const times: number[] = [];
    let found = 0;
    let requests: typeof fake.requests = [];
    for (let r = 0; r < REPEATS; r++) {
      const before = fake.requests.length;
      const started = performance.now();
      found =
        question === 'direct'
          ? (await activities.findDependentStacks(ROOT)).length
          : (await activities.planCascade({ stackId: ROOT, globalWhen: 'always' })).stacks.length;
      times.push(performance.now() - started);
      requests = fake.requests.slice(before);
    }
    const counts = new Map<string, number>();
    for (const request of requests) counts.set(request.operation, (counts.get(request.operation) ?? 0) + 1);
    const byOperation = [...counts].map(([op, n]) => `${op} ${n}`).join(', ');
    return { total, mode, question, found, requests: requests.length, byOperation, timeMs: median(times) };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  await waitForQuietMachine(15 * 60_000);
  const load = machineMeter();
  const rows: Row[] = [];
  for (const total of SIZES) {
    const stacks = generateStacks({ total, dependentsOf: { stackId: ROOT, count: DIRECT_DEPENDENTS } });
    const fake = await startFakeSpacelift({ stacks, latencyMs: LATENCY_MS });
    try {
      for (const question of ['direct', 'graph'] as const) {
        for (const mode of ['scan', 'label'] as const) {
          const row = await measure(fake, total, mode, question);
          console.log(
            `discovery ${total} stacks, ${question}, ${mode}: ${row.found} found, ${row.requests} requests (${row.byOperation}), ${ms(row.timeMs)}`,
          );
          rows.push(row);
        }
      }
    } finally {
      await fake.close();
    }
  }
  const markdown = render(rows, loadNote(load.stop()));
  console.log(markdown);
  if (!args['no-write']) writeSection('discovery', markdown);
}

function render(rows: Row[], load: string): string {
  const cell = (total: number, question: Question, mode: Mode) =>
    rows.find((r) => r.total === total && r.question === question && r.mode === mode);
  const lines = SIZES.flatMap((total) =>
    (['direct', 'graph'] as const).map((question) => {
      const scan = cell(total, question, 'scan');
      const label = cell(total, question, 'label');
      return [
        total.toLocaleString('en-US'),
        question === 'direct' ? 'direct dependents' : 'whole downstream graph',
        String(scan?.found ?? '—'),
        String(scan?.requests ?? '—'),
        ms(scan?.timeMs ?? Number.NaN),
        String(label?.requests ?? '—'),
        ms(label?.timeMs ?? Number.NaN),
        label && scan ? (label.found === scan.found ? 'same' : `label found ${label.found}`) : '—',
      ];
    }),
  );
  const detail = rows.map((r) => [r.total.toLocaleString('en-US'), r.question, r.mode, r.byOperation]);
  return `## Discovery

API calls and time to find the dependents of one stack, counted at the fake Spacelift (every call delayed
${LATENCY_MS} ms), for \`SPACELIFT_DISCOVERY=scan\` and \`=label\`, measured on ${machine()}, ${today()}. Accounts
from \`generateStacks\` (test/support/generate-stacks.ts): ${DIRECT_DEPENDENTS} direct dependents of \`${ROOT}\` spread over
the pages, near-miss labels on 10 % of the other stacks, and random backward \`depends-on:\` edges among them (so the
downstream graph is a little larger than the direct dependents). Time is the median of ${REPEATS} calls of the activity
itself (\`findDependentStacks\` / \`planCascade\` from \`createActivities\`), with the API key already exchanged.
Command (from the repository root): \`${COMMAND}\` (= \`tsx bench/discovery.ts\`). ${load}

| stacks in account | question | found | scan: calls | scan: time | label: calls | label: time | label vs scan |
| --- | --- | --- | --- | --- | --- | --- | --- |
${lines.map((l) => `| ${l.join(' | ')} |`).join('\n')}

Calls by operation:

${table(['stacks', 'question', 'mode', 'requests'], detail)}

Reading the figures:
- \`scan\` reads the whole account, 50 stacks a page, whatever the question: calls = ⌈stacks / 50⌉, so time grows
  linearly with the account (${LATENCY_MS} ms a page here; real pages are slower). It sees every label spelling
  (comma lists, \`|\` conditions, any key case).
- \`label\` asks Spacelift for \`dependsOn:<id>\` / \`depends-on:<id>\` and needs one search per stack whose dependents
  it looks for (plus a page per 50 matches): for the direct dependents one call whatever the account size; for the
  graph one call per stack in it. It cannot see comma lists or \`|\` conditions (the server matches whole labels).
- The fake matches labels exactly and answers instantly apart from the injected latency; on real Spacelift each page
  costs more, which favours \`label\` further on large accounts.`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('bench/discovery failed:', err);
    process.exit(1);
  },
);
