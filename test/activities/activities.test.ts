// The activities without a server: MockActivityEnvironment supplies the attempt number.
import t from 'tap';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities';
import { SpaceliftNotFoundError, SpaceliftTransientError } from '../../src/spacelift/errors';
import type { Run, PlatformApi, Stack } from '../../src/platform/types';
import { startSpacelift, stopSpacelift } from '../support/spacelift-setup';

const NOW = 1_767_100_000_000;
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
const mockEnv = (info: { attempt?: number } = {}) => new MockActivityEnvironment(info, { logger: quiet });

function memorySpacelift(stacks: Stack[], runs: Run[] = []): PlatformApi & { triggered: string[] } {
  const triggered: string[] = [];
  return {
    triggered,
    ownsTrigger: (triggeredBy) => triggeredBy === 'api::OURKEY',
    listCandidateDependents: async () => stacks,
    listAllStacks: async () => stacks,
    cancelRun: async () => {
      throw new Error('unused');
    },
    triggerRun: async (stackId) => {
      triggered.push(stackId);
      return { id: `RUN-${triggered.length}`, branch: 'main', state: 'QUEUED' };
    },
    getRun: async () => {
      throw new Error('unused');
    },
    listRunsSince: async () => runs,
    verifyCredentials: async () => ({ viewer: null }),
  };
}

const stack = (id: string, labels: string[] = []): Stack => ({ id, name: id.toUpperCase(), labels, attachedContexts: [] });

t.test('findDependentStacks confirms candidates client-side and returns the documented fields', async (t) => {
  const api = memorySpacelift([
    { ...stack('eks', ['dependsOn:vpc']), attachedContexts: [{ contextId: 'aws', contextName: 'AWS', priority: 1 }], state: 'FINISHED' },
    stack('dns', ['dependsOn:network']),
    stack('vpc', ['dependsOn:vpc']),
  ]);
  const result = await mockEnv().run(createActivities({ spacelift: api }).findDependentStacks, 'vpc');
  t.same(result, [
    { id: 'eks', name: 'EKS', labels: ['dependsOn:vpc'], attachedContexts: [{ contextId: 'aws', contextName: 'AWS', priority: 1 }] },
  ]);
});

t.test('the first attempt triggers without looking for earlier runs', async (t) => {
  const api = memorySpacelift([], [{ id: 'OLD', branch: 'main', state: 'QUEUED', createdAt: NOW / 1000, triggeredBy: 'api::OURKEY' }]);
  const run: Run = await mockEnv({ attempt: 1 }).run(createActivities({ spacelift: api }).triggerStackRun, {
    stackId: 'eks',
    intentAt: NOW,
  });
  t.equal(run.id, 'RUN-1');
  t.same(api.triggered, ['eks']);
});

t.test('a retry adopts our own run created since the intent instead of triggering again', async (t) => {
  const ours: Run = { id: 'OURS', branch: 'main', state: 'QUEUED', createdAt: NOW / 1000 + 1, triggeredBy: 'api::OURKEY' };
  const api = memorySpacelift([], [ours]);
  const run: Run = await mockEnv({ attempt: 2 }).run(createActivities({ spacelift: api }).triggerStackRun, {
    stackId: 'eks',
    intentAt: NOW,
  });
  t.same(run, ours);
  t.same(api.triggered, []);
});

t.test(
  'lookFirst (a local trigger whose workflow task is a retry) adopts on the first attempt; without a run of ours it triggers',
  async (t) => {
    const ours: Run = { id: 'OURS', branch: 'main', state: 'QUEUED', createdAt: NOW / 1000 + 1, triggeredBy: 'api::OURKEY' };
    const adopting = memorySpacelift([], [ours]);
    t.same(
      await mockEnv({ attempt: 1 }).run(createActivities({ spacelift: adopting }).triggerStackRun, {
        stackId: 'eks',
        intentAt: NOW,
        lookFirst: true,
      }),
      ours,
    );
    t.same(adopting.triggered, []);
    const empty = memorySpacelift([]);
    const triggered: Run = await mockEnv({ attempt: 1 }).run(createActivities({ spacelift: empty }).triggerStackRun, {
      stackId: 'eks',
      intentAt: NOW,
      lookFirst: true,
    });
    t.equal(triggered.id, 'RUN-1');
    t.same(empty.triggered, ['eks']);
  },
);

t.test("triggerRate reports the worker's SPACELIFT_TRIGGER_RATE, 0 without one", async (t) => {
  const api = memorySpacelift([]);
  t.equal(await mockEnv().run(createActivities({ spacelift: api, triggerRatePerSecond: 5 }).triggerRate), 5);
  t.equal(await mockEnv().run(createActivities({ spacelift: api }).triggerRate), 0);
});

t.test('a retry ignores runs by someone else and runs from long before the intent', async (t) => {
  const api = memorySpacelift(
    [],
    [
      { id: 'THEIRS', branch: 'main', state: 'QUEUED', createdAt: NOW / 1000 + 5, triggeredBy: 'jane@acme.example' },
      { id: 'STALE', branch: 'main', state: 'FINISHED', createdAt: NOW / 1000 - 3600, triggeredBy: 'api::OURKEY' },
    ],
  );
  const run: Run = await mockEnv({ attempt: 3 }).run(createActivities({ spacelift: api }).triggerStackRun, {
    stackId: 'eks',
    intentAt: NOW,
  });
  t.equal(run.id, 'RUN-1');
  t.same(api.triggered, ['eks']);
});

t.test('a retry adopts the newest of our runs, wherever it is in the answer', async (t) => {
  const at = (id: string, offset: number): Run => ({ id, state: 'QUEUED', createdAt: NOW / 1000 + offset, triggeredBy: 'api::OURKEY' });
  const api = memorySpacelift([], [at('FIRST', 1), at('NEWEST', 9), { ...at('NO-TIME', 0), createdAt: null }, at('MIDDLE', 5)]);
  const run: Run = await mockEnv({ attempt: 2 }).run(createActivities({ spacelift: api }).triggerStackRun, {
    stackId: 'eks',
    intentAt: NOW,
  });
  t.equal(run.id, 'NEWEST');
});

// The guard against a real client and the fake: runs of others are newer than ours, so ours is on page 2.
for (const runsOrder of ['newest-first', 'oldest-first'] as const) {
  for (const triggeredByForm of ['full', 'short'] as const) {
    t.test(`a retry finds its run on page 2 of Stack.runs (${runsOrder} within a page, ${triggeredByForm} triggeredBy)`, async (t) => {
      let clock = NOW;
      const sl = await startSpacelift([{ id: 'eks' }], { now: () => clock, runsPageSize: 2, runsOrder, triggeredByForm });
      t.teardown(() => stopSpacelift(sl));
      sl.fake.addRun('eks', { createdAt: NOW / 1000 - 3600 }); // ours, but from long before the intent
      clock += 1_000;
      const lost = sl.fake.addRun('eks'); // created by the first attempt, whose answer was lost
      for (let i = 0; i < 3; i++) {
        clock += 1_000;
        sl.fake.addRun('eks', { triggeredBy: 'jane@acme.example' });
      }
      const run: Run = await mockEnv({ attempt: 2 }).run(createActivities({ spacelift: sl.client }).triggerStackRun, {
        stackId: 'eks',
        intentAt: NOW,
      });
      t.equal(run.id, lost);
      t.equal(sl.fake.triggers.length, 0, 'nothing triggered again');
      t.equal(sl.fake.requests.filter((r) => r.operation === 'listRuns').length, 3, 'page 2 held ours, page 3 nothing recent');
    });
  }
}

t.test('non-retryable Spacelift errors become non-retryable failures; transient ones stay retryable', async (t) => {
  const failing = (err: Error): PlatformApi => ({
    ...memorySpacelift([]),
    triggerRun: async () => {
      throw err;
    },
  });
  const notFound = new SpaceliftNotFoundError('not found: stack eks', { operation: 'runTrigger', stackId: 'eks' });
  const err = await mockEnv()
    .run(createActivities({ spacelift: failing(notFound) }).triggerStackRun, { stackId: 'eks', intentAt: NOW })
    .catch((e: unknown) => e);
  t.type(err, ApplicationFailure);
  t.match(err, { nonRetryable: true, type: 'SpaceliftNotFoundError', message: 'not found: stack eks' });
  const transient = new SpaceliftTransientError('HTTP 502', { operation: 'runTrigger', status: 502 });
  const err2 = await mockEnv()
    .run(createActivities({ spacelift: failing(transient) }).triggerStackRun, { stackId: 'eks', intentAt: NOW })
    .catch((e: unknown) => e);
  t.equal(err2, transient, 'thrown as is, so Temporal retries it');
});
