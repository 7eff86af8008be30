import t from 'tap';
import { cliEnv, runCli } from './run-cli';

t.test('demo: one signed webhook, the dependents of vpc triggered, clean exit', async (t) => {
  const res = await runCli(['demo', '--headless'], cliEnv(), 120_000);
  if (res.code !== 0) t.comment(res.stderr.slice(-3000));
  t.equal(res.code, 0, 'exit 0');
  t.match(res.stdout, /^ {2}Temporal at 127\.0\.0\.1:\d+ \(no Web UI\)$/m);
  t.match(res.stdout, /^ {2}← 200 \{"status":"started","workflowId":"cascade-vpc-01JQ7Z9EXAMPLERUNVPC00001"\}$/m);
  t.match(res.stdout, /^ {2}✔ eks \(EKS cluster\): run \S+ is \w+$/m);
  t.match(res.stdout, /^ {2}✔ rds \(Postgres\): run \S+ is \w+$/m);
  t.notMatch(res.stdout, /✘/, 'no dependent failed');
  t.match(res.stdout, /Stopping \.\.\.\n$/);
});
