import t from 'tap';
import { connect } from 'node:net';
import type { StartCascadeOutcome } from '../../src/temporal/start-cascade';
import { deliver, fixture, send, startHarness } from './harness';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A delivery in flight whose Temporal start is held until `release` is called. */
async function heldDelivery(t: tap.Test) {
  const entered = deferred<void>();
  const release = deferred<StartCascadeOutcome>();
  const h = await startHarness(t, {
    startCascade: () => {
      entered.resolve();
      return release.promise;
    },
  });
  const inFlight = deliver(h.port, fixture('run-finished-tracked.json'));
  await entered.promise;
  return { h, inFlight, release };
}

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

t.test('close() lets an in-flight delivery finish, refuses new connections, then resolves', async (t) => {
  const { h, inFlight, release } = await heldDelivery(t);

  let closed = false;
  const closing = h.server.close(5_000).then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 50));
  t.equal(closed, false, 'close waits for the in-flight request');
  t.equal(await refused(h.port), true, 'new connections are refused');

  release.resolve({ status: 'started', workflowId: 'cascade-vpc-x' });
  const res = await inFlight;
  t.same([res.status, res.json], [200, { status: 'started', workflowId: 'cascade-vpc-x' }]);
  t.equal(res.headers.connection, 'close', 'the client is told to go away');
  await closing;
  t.equal(closed, true);
});

t.test('close() cuts requests still running when the grace period ends', async (t) => {
  const held = await heldDelivery(t); // never released
  const { h } = held;
  const inFlight = held.inFlight.then(
    () => 'answered',
    () => 'cut',
  );
  const started = Date.now();
  await h.server.close(200);
  t.ok(Date.now() - started < 2_000, 'close returned soon after the grace period');
  t.equal(await inFlight, 'cut');
});

t.test('readyz reports shutting down while draining; idle keep-alive connections do not hold close()', async (t) => {
  const { h, inFlight, release } = await heldDelivery(t);
  const closing = h.server.close(5_000);
  release.resolve({ status: 'duplicate', workflowId: 'w' });
  t.equal((await inFlight).status, 200);
  await closing;
  t.equal(h.server.server.listening, false);
  await t.rejects(send(h.port, { method: 'GET', path: '/readyz', timeoutMs: 500 }));
});
