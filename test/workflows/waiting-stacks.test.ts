// The stuck-work book a cascade keeps for its gauge: the oldest stack per wait state, reported only when it changes.
import t from 'tap';
import { WaitingStacks } from '../../src/workflows/waiting-stacks';

t.test('the oldest stack per state is the first that entered it; only changes are reported', async (t) => {
  const waits = new WaitingStacks();
  t.same(waits.move('a', 'pending', 'waiting_for_parents', 100), [{ state: 'waiting_for_parents', since: 100 }]);
  t.equal(waits.move('b', 'pending', 'waiting_for_parents', 200), undefined, 'a younger stack changes nothing');
  t.same(
    waits.move('a', 'waiting_for_parents', 'running', 300),
    [
      { state: 'waiting_for_parents', since: 200 },
      { state: 'running', since: 300 },
    ],
    'a leaves: b is now the oldest waiting for parents',
  );
  t.same(waits.move('a', 'running', 'finished', 400), [{ state: 'waiting_for_parents', since: 200 }]);
  t.same(waits.clear(), [], 'the cascade ended');
  t.equal(waits.clear(), undefined, 'nothing new to report');
});
