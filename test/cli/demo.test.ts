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
    t.match(
      res.stdout,
      new RegExp(`^ {2}✔ ${stack} FINISHED: webhook delivered to spacelift-run-\\S+$`, 'm'),
      `${stack} reported by webhook`,
    );
    t.match(res.stdout, new RegExp(`^${stack}\\s+\\d\\s+finished\\s`, 'm'), `${stack} finished in the status table`);
  }
  const order = ['eks', 'rds', 'app', 'reports'].map((stack) => res.stdout.indexOf(`→ triggered ${stack}:`));
  t.ok(order[2] > res.stdout.indexOf('✔ eks FINISHED') && order[2] > res.stdout.indexOf('✔ rds FINISHED'), 'app waits for eks and rds');
  t.ok(order[3] > res.stdout.indexOf('✔ app FINISHED'), 'reports waits for app');
  // Across platforms: the HCP Terraform workspace cdn depends on the Spacelift stack app.
  t.match(res.stdout, /^ {4}tfc:cdn depends on spacelift:app$/m);
  t.match(res.stdout, /^ {2}→ triggered tfc:cdn: HCP Terraform run run-\S+$/m, 'the workspace was triggered in HCP Terraform');
  t.match(res.stdout, /^ {2}✔ tfc:cdn applied: notification delivered to tfc-run-run-\S+$/m, 'its signed notification reached its monitor');
  t.match(res.stdout, /^tfc:cdn\s+\d\s+finished\s/m, 'tfc:cdn finished in the status table');
  t.ok(
    res.stdout.indexOf('→ triggered tfc:cdn:') > res.stdout.indexOf('✔ app FINISHED'),
    'the workspace waits for the stack it depends on',
  );
  t.notMatch(res.stdout, /→ triggered (dns|fw|network|net):/, 'stacks outside the graph are untouched');
  t.notMatch(res.stdout, /✘/, 'nothing failed');
  t.match(res.stdout, /Stopping \.\.\.\n$/);
});
