import t from 'tap';
import { parseSettings } from '../../src/cascade/settings';

t.test('defaults: no approval, priority 0, attempts left to the workflow', async (t) => {
  const { settings, problems } = parseSettings(['team:platform', 'dependsOn:vpc']);
  t.same(settings, { requiresApproval: false, priority: 0 });
  t.notOk('maxAttempts' in settings, 'no maxAttempts key, so the workflow default applies');
  t.same(problems, []);
});

t.test('cascade:approval, in any case and spacing', async (t) => {
  for (const label of ['cascade:approval', 'CASCADE:Approval', ' Cascade : approval ']) {
    t.equal(parseSettings([label]).settings.requiresApproval, true, label);
  }
});

t.test('cascadeRetries: 1 to 10 attempts', async (t) => {
  t.equal(parseSettings(['cascadeRetries:1']).settings.maxAttempts, 1);
  t.equal(parseSettings(['cascadeRetries:10']).settings.maxAttempts, 10);
  t.equal(parseSettings(['CASCADERETRIES: 5 ']).settings.maxAttempts, 5);
  t.same(parseSettings(['cascadeRetries:4', 'cascadeRetries:4']).problems, [], 'the same value twice is fine');
});

t.test('cascadeRetries out of range or not a whole number: ignored and reported', async (t) => {
  for (const value of ['0', '11', '-1', 'three', '2.5', '', '1e1']) {
    const label = `cascadeRetries:${value}`;
    const { settings, problems } = parseSettings([label], 'eks');
    t.equal(settings.maxAttempts, undefined, label);
    t.same(problems, [`stack eks: label "${label}" must be a whole number of attempts from 1 to 10`], label);
  }
});

t.test('cascadePriority: any whole number, negative included', async (t) => {
  t.equal(parseSettings(['cascadePriority:7']).settings.priority, 7);
  t.equal(parseSettings(['cascadepriority:-3']).settings.priority, -3);
  t.equal(parseSettings(['CascadePriority:+2']).settings.priority, 2);
  t.equal(Object.is(parseSettings(['cascadePriority:-0']).settings.priority, 0), true, '-0 is normalised to 0');
});

t.test('cascadePriority that is not a whole number: ignored and reported', async (t) => {
  for (const value of ['high', '1.5', '', '99999999999999999999']) {
    const label = `cascadePriority:${value}`;
    const { settings, problems } = parseSettings([label], 'eks');
    t.equal(settings.priority, 0, label);
    t.same(problems, [`stack eks: label "${label}" must be a whole number`], label);
  }
});

t.test('conflicting values: the first label wins and the conflict is reported', async (t) => {
  t.same(parseSettings(['cascadeRetries:3', 'cascadeRetries:5', 'cascadePriority:1', 'cascadePriority:2'], 'eks'), {
    settings: { requiresApproval: false, maxAttempts: 3, priority: 1 },
    problems: [
      'stack eks: label "cascadeRetries:5" conflicts with "cascadeRetries:3"; using 3',
      'stack eks: label "cascadePriority:2" conflicts with "cascadePriority:1"; using 1',
    ],
  });
});

t.test('an unknown cascade: setting is reported; without a stack ID the problem has no prefix', async (t) => {
  t.same(parseSettings(['cascade:aproval']), {
    settings: { requiresApproval: false, priority: 0 },
    problems: ['label "cascade:aproval" is not a known cascade setting (expected cascade:approval)'],
  });
});

t.test('labels outside the namespace are ignored', async (t) => {
  t.same(parseSettings(['cascadeX:1', 'team:cascade', 'cascade-retries:3', 'mycascade:approval']), {
    settings: { requiresApproval: false, priority: 0 },
    problems: [],
  });
});

t.test('all settings together', async (t) => {
  t.same(parseSettings(['cascade:approval', 'cascadeRetries:6', 'cascadePriority:10']).settings, {
    requiresApproval: true,
    maxAttempts: 6,
    priority: 10,
  });
});

t.test('cascadeRunRetries:<n> sets how often a FAILED run is triggered again, 1 to 5', async (t) => {
  t.same(parseSettings(['cascadeRunRetries:2']).settings, { requiresApproval: false, priority: 0, runRetries: 2 });
  t.same(parseSettings(['CascadeRunRetries: 5', 'cascadeRetries:4']).settings, {
    requiresApproval: false,
    priority: 0,
    runRetries: 5,
    maxAttempts: 4,
  });
  const bad = parseSettings(['cascadeRunRetries:0', 'cascadeRunRetries:six'], 'app');
  t.same(bad.settings, { requiresApproval: false, priority: 0 }, 'unreadable values leave the default: never');
  t.same(bad.problems, [
    'stack app: label "cascadeRunRetries:0" must be a whole number of run retries from 1 to 5',
    'stack app: label "cascadeRunRetries:six" must be a whole number of run retries from 1 to 5',
  ]);
  const conflict = parseSettings(['cascadeRunRetries:1', 'cascadeRunRetries:3']);
  t.equal(conflict.settings.runRetries, 1);
  t.same(conflict.problems, ['label "cascadeRunRetries:3" conflicts with "cascadeRunRetries:1"; using 1']);
});
