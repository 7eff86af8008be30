// What the listener starts: CascadeWorkflow (graph, the default) or StackDependencyChainWorkflow (direct), both
// under the deterministic `cascade-<stack>-<run>` ID with REJECT_DUPLICATE.
import t from 'tap';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { defaultCascadeConfig } from '../../src/config';
import type { CascadeConfig } from '../../src/config/types';
import { cascadeOptions, cascadeStart, startCascade } from '../../src/temporal/start-cascade';
import { runMonitorWorkflowId } from '../../src/workflows/workflow-ids';

const REQUEST = { stackId: 'vpc', runId: '01JRUN', runState: 'FINISHED', runDelta: { added: 2, changed: 1, deleted: 0 } };
const graph: CascadeConfig = {
  ...defaultCascadeConfig(),
  maxInFlight: 3,
  runTimeoutMs: 90 * 60_000,
  blackouts: [{ kind: 'weekly', start: 7200, end: 360 }],
  edgeMode: 'changed',
  pollIntervalMs: 30_000,
};

/** A client whose workflow.start records its calls and answers as told. */
function fakeClient(answer: () => Promise<unknown> = async () => ({})) {
  const calls: Array<{ type: string; options: Record<string, unknown> }> = [];
  const client = {
    workflow: {
      start: (type: string, options: Record<string, unknown>) => {
        calls.push({ type, options });
        return answer();
      },
    },
  } as unknown as Client;
  return { client, calls };
}

t.test('graph mode: CascadeWorkflow with the run, its delta and the configured options', async (t) => {
  t.same(cascadeStart(REQUEST, graph), {
    workflowType: 'CascadeWorkflow',
    args: [
      {
        stack_id: 'vpc',
        run_id: '01JRUN',
        run_state: 'FINISHED',
        run_delta: { added: 2, changed: 1, deleted: 0 },
        options: {
          maxInFlight: 3,
          runTimeoutMs: 90 * 60_000,
          approvalTimeoutMs: 24 * 3_600_000,
          blackouts: [{ kind: 'weekly', start: 7200, end: 360 }],
          globalWhen: 'changed',
          pollInitialMs: 30_000,
          pollMaxMs: 600_000,
          planTimeoutMs: 3_600_000,
          triggerAttempts: 3,
        },
      },
    ],
  });
  const withoutDelta = cascadeStart({ stackId: 'vpc', runId: 'r', runState: 'FINISHED' }, graph).args[0];
  t.match(withoutDelta, { run_delta: null });
  const extraFields = { ...REQUEST, runDelta: { added: 1, changed: 0, deleted: 0, resources: 9 } as never };
  t.same(
    (cascadeStart(extraFields, graph).args[0] as { run_delta: unknown }).run_delta,
    { added: 1, changed: 0, deleted: 0 },
    'only the three counts',
  );
});

t.test('the poll interval doubles up to 10 min, or stays when it is already longer', async (t) => {
  t.match(cascadeOptions({ ...graph, pollIntervalMs: 60_000 }), { pollInitialMs: 60_000, pollMaxMs: 600_000 });
  t.match(cascadeOptions({ ...graph, pollIntervalMs: 3_600_000 }), { pollInitialMs: 3_600_000, pollMaxMs: 3_600_000 });
});

t.test('direct mode: the original chain input, exactly as before', async (t) => {
  t.same(cascadeStart(REQUEST, { ...graph, mode: 'direct' }), {
    workflowType: 'StackDependencyChainWorkflow',
    args: [{ stack_id: 'vpc', run_id: '01JRUN', run_state: 'FINISHED' }],
  });
});

t.test('both modes: deterministic ID, REJECT_DUPLICATE, duplicate on an existing ID', async (t) => {
  for (const mode of ['graph', 'direct'] as const) {
    const { client, calls } = fakeClient();
    const outcome = await startCascade(client, { taskQueue: 'q', cascade: { ...graph, mode } }, REQUEST);
    t.same(outcome, { status: 'started', workflowId: 'cascade-vpc-01JRUN' }, mode);
    t.match(calls[0]?.options, {
      taskQueue: 'q',
      workflowId: 'cascade-vpc-01JRUN',
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    t.equal(calls[0]?.type, mode === 'graph' ? 'CascadeWorkflow' : 'StackDependencyChainWorkflow');

    const taken = fakeClient(() => Promise.reject(new WorkflowExecutionAlreadyStartedError('exists', 'cascade-vpc-01JRUN', 'x')));
    t.same(await startCascade(taken.client, { taskQueue: 'q', cascade: { ...graph, mode } }, REQUEST), {
      status: 'duplicate',
      workflowId: 'cascade-vpc-01JRUN',
    });
  }
  const down = fakeClient(() => Promise.reject(new Error('14 UNAVAILABLE')));
  await t.rejects(startCascade(down.client, { taskQueue: 'q', cascade: graph }, REQUEST), /UNAVAILABLE/, 'other errors propagate (503)');
});

t.test('monitor IDs are part of the workflow-id policy', async (t) => {
  t.equal(runMonitorWorkflowId('01JRUN'), 'spacelift-run-01JRUN');
});
