import t from 'tap';
import { cliEnv, runCli } from './run-cli';

t.test('demo: one signed webhook, the whole graph below vpc runs wave by wave, clean exit', async (t) => {
  const res = await runCli(['demo', '--headless'], cliEnv(), 120_000);
  if (res.code !== 0) t.comment(res.stderr.slice(-3000));
  t.equal(res.code, 0, 'exit 0');
  t.match(res.stdout, /^ {2}Temporal at 127\.0\.0\.1:\d+ \(no Web UI\)$/m);
  t.match(res.stdout, /^ {2}← 200 \{"status":"started","workflowId":"cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001"\}$/m);
  for (const stack of ['eks', 'rds', 'app', 'reports']) {
    t.match(res.stdout, new RegExp(`^ {2}→ triggered ${stack}: run \\S+$`, 'm'), `${stack} triggered`);
    t.match(res.stdout, new RegExp(`^ {2}✔ ${stack} FINISHED: webhook delivered to spacelift-run-\\S+$`, 'm'), `${stack} reported by webhook`);
    t.match(res.stdout, new RegExp(`^${stack}\\s+\\d\\s+finished\\s`, 'm'), `${stack} finished in the status table`);
  }
  const order = ['eks', 'rds', 'app', 'reports'].map((stack) => res.stdout.indexOf(`→ triggered ${stack}:`));
  t.ok(order[2]! > res.stdout.indexOf('✔ eks FINISHED') && order[2]! > res.stdout.indexOf('✔ rds FINISHED'), 'app waits for eks and rds');
  t.ok(order[3]! > res.stdout.indexOf('✔ app FINISHED'), 'reports waits for app');
  t.notMatch(res.stdout, /→ triggered (dns|fw|network|net):/, 'stacks outside the graph are untouched');
  t.notMatch(res.stdout, /✘/, 'nothing failed');
  t.match(res.stdout, /Stopping \.\.\.\n$/);
});
