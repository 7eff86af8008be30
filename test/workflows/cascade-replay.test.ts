// Upgrades must not break running cascades: a CascadeWorkflow history recorded by the version before
// notifications and the audit trail existed (an approval gate, a cycle, a skipped conditional edge) replays
// against today's workflow code without a determinism error, thanks to the `cascade-audit-and-notify` patch.
// The fixture (a binary temporal.api.history.v1.History) was recorded on the time-skipping server with the workflow
// code of commit 0ea3b5c.
import t from 'tap';
import { createCascadeMetrics, createWorkflowSinks } from '../../src/metrics';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundleCode } from '../support/temporal';
import { workflowSpanSinks } from '../../src/tracing';

t.test('a cascade started before this version replays on the current workflow code', async (t) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(join(__dirname, 'fixtures', 'cascade-before-reporting.history.bin')));
  t.equal(history.events.length > 30, true, 'a whole cascade: plan, triggers, children, approval');
  await t.resolves(
    Worker.runReplayHistory(
      {
        workflowBundle: { code: await workflowBundleCode() },
        sinks: { ...createWorkflowSinks(createCascadeMetrics()), ...workflowSpanSinks() },
      },
      history,
      'cascade-vpc-R0',
    ),
  );
});
