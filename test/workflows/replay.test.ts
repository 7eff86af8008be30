// Upgrades must not break running workflows: histories recorded by earlier releases replay against today's
// workflow code without a determinism error. Each folder under fixtures/ is one release, recorded by
// fixtures/record-histories.ts (v0.1.0: commit c9252bf, the release before run sharing and the trigger queue).
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createCascadeMetrics, createWorkflowSinks } from '../../src/metrics';
import { workflowBundleCode } from '../support/temporal';

const FIXTURES = join(__dirname, 'fixtures');
const releases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

t.ok(releases.includes('v0.1.0'), 'the histories of the previous release are there');
for (const release of releases) {
  const files = readdirSync(join(FIXTURES, release)).filter((f) => f.endsWith('.history.bin'));
  const workflowIds = JSON.parse(readFileSync(join(FIXTURES, release, 'workflow-ids.json'), 'utf8')) as Record<string, string>;
  t.test(`histories recorded by ${release} replay on the current workflow code`, async (t) => {
    t.ok(files.length >= 6, `${files.length} histories`);
    const workflowBundle = { code: await workflowBundleCode() };
    for (const file of files) {
      const history = temporal.api.history.v1.History.decode(readFileSync(join(FIXTURES, release, file)));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const workflowId = workflowIds[file] ?? file;
      t.ok((history.events?.length ?? 0) > 5, `${file}: ${history.events?.length} events of ${started?.workflowType?.name}`);
      await t.resolves(
        Worker.runReplayHistory({ workflowBundle, sinks: createWorkflowSinks(createCascadeMetrics()) }, history, workflowId),
        file,
      );
    }
  });
}
