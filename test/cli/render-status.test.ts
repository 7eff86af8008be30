// The text of `spacelift-cascade status` for a cascade: stacks, then the audit trail and the notifications.
import t from 'tap';
import { cascadeStatusToJson, renderCascadeStatus } from '../../src/cli/control/render-status';
import type { CascadeStatus } from '../../src/workflows/cascade-types';

const header = { workflowId: 'cascade-vpc-R1', workflowType: 'CascadeWorkflow', execution: 'COMPLETED' };

const status: CascadeStatus = {
  root: 'vpc',
  rootRunId: 'R1',
  done: true,
  cycles: [],
  stacks: [
    { id: 'prod', name: 'prod', wave: 0, state: 'finished', runId: 'RUN-P', runState: 'FINISHED', approvedBy: 'jane' },
    { id: 'stage', name: 'stage', wave: 0, state: 'skipped', reason: 'rejected by bob: change freeze' },
  ],
  decisions: [
    { at: '2026-01-05T10:00:03.120Z', stackId: 'prod', decision: 'approved', by: 'jane' },
    { at: '2026-01-05T10:00:04.000Z', stackId: 'stage', decision: 'rejected', by: 'bob', reason: 'change freeze' },
    { at: '2026-01-05T10:00:04.000Z', stackId: 'stage', decision: 'skipped', reason: 'rejected by bob: change freeze' },
    { at: '2026-01-05T10:00:05.500Z', stackId: 'prod', decision: 'triggered', runId: 'RUN-P' },
    { at: '2026-01-05T10:07:00.000Z', stackId: 'prod', decision: 'finished', runId: 'RUN-P' },
  ],
  notifications: [
    { at: '2026-01-05T10:00:01.000Z', event: 'approval_needed', channel: 'slack', stackId: 'prod', delivered: true },
    {
      at: '2026-01-05T10:00:07.000Z',
      event: 'approval_needed',
      channel: 'webhook',
      stackId: 'prod',
      delivered: false,
      error: 'HTTP 401 (bad signature)',
    },
    { at: '2026-01-05T10:07:01.000Z', event: 'completed', channel: 'slack', delivered: true },
  ],
};

t.test('decisions and notifications follow the stacks, one aligned line each, to the second', async (t) => {
  t.equal(
    renderCascadeStatus(header, status),
    [
      'cascade-vpc-R1 (CascadeWorkflow) COMPLETED, done',
      'Root: vpc (run R1)',
      'STACK  WAVE  STATE     RUN ID  REASON',
      'prod   1     finished  RUN-P   approved by jane',
      'stage  1     skipped   -       rejected by bob: change freeze',
      'Cycles: none',
      'Decisions (5):',
      '  AT                    STACK  DECISION   DETAILS',
      '  2026-01-05T10:00:03Z  prod   approved   by jane',
      '  2026-01-05T10:00:04Z  stage  rejected   by bob; change freeze',
      '  2026-01-05T10:00:04Z  stage  skipped    rejected by bob: change freeze',
      '  2026-01-05T10:00:05Z  prod   triggered  run RUN-P',
      '  2026-01-05T10:07:00Z  prod   finished   run RUN-P',
      'Notifications (3):',
      '  AT                    EVENT            CHANNEL  STACK  RESULT',
      '  2026-01-05T10:00:01Z  approval_needed  slack    prod   delivered',
      '  2026-01-05T10:00:07Z  approval_needed  webhook  prod   not delivered: HTTP 401 (bad signature)',
      '  2026-01-05T10:07:01Z  completed        slack    -      delivered',
    ].join('\n'),
  );
});

t.test('a cascade with no decisions or notifications yet says so in one line each', async (t) => {
  const text = renderCascadeStatus({ ...header, execution: 'RUNNING' }, { ...status, done: false, decisions: [], notifications: [] });
  t.match(text, /\nCycles: none\nDecisions: none\nNotifications: none$/);
});

t.test('a result from an earlier version without either list still renders', async (t) => {
  const { decisions: _d, notifications: _n, ...old } = status;
  const text = renderCascadeStatus(header, old as CascadeStatus);
  t.match(text, /\nDecisions: none\nNotifications: none$/);
});

t.test('the JSON shape is unchanged: no decisions or notifications keys', async (t) => {
  t.same(Object.keys(cascadeStatusToJson(header, status)).sort(), [
    'cycles',
    'done',
    'execution',
    'root',
    'rootRunId',
    'stacks',
    'workflowId',
    'workflowType',
  ]);
});

t.test('a joined run and a retried run say so in the text and the JSON', async (t) => {
  const status = {
    root: 'vpc',
    done: false,
    cycles: [],
    decisions: [],
    notifications: [],
    stacks: [
      { id: 'app', name: 'app', wave: 0, state: 'running' as const, runId: 'R9', sharedFrom: 'cascade-dns-R2' },
      {
        id: 'db',
        name: 'db',
        wave: 0,
        state: 'waiting_for_retry' as const,
        runId: 'R7',
        reason: 'run R7 FAILED; retry 1 of 2 in 60 s',
        attempt: 2,
      },
    ],
  };
  const header = { workflowId: 'cascade-vpc-R1', workflowType: 'CascadeWorkflow', execution: 'RUNNING' };
  const text = renderCascadeStatus(header, status);
  t.match(text, /app +1 +running +R9 +joined the run of cascade-dns-R2/);
  t.match(text, /db +1 +waiting_for_retry +R7 +run R7 FAILED; retry 1 of 2 in 60 s; run attempt 2/);
  t.match(cascadeStatusToJson(header, status).stacks, [
    { id: 'app', sharedFrom: 'cascade-dns-R2', attempt: 1 },
    { id: 'db', sharedFrom: null, attempt: 2 },
  ]);
});
