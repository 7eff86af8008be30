// Preloaded into `serve` by bench/binary.mjs (NODE_OPTIONS=--require <this file>; the binary honours NODE_OPTIONS):
// on SIGUSR2 it writes the V8 heap of the main isolate and of every worker thread, and process.memoryUsage(), as
// JSON to $MEMORY_PROBE_OUT. Benchmark-only; nothing in the application knows about it.
'use strict';
const { writeFileSync } = require('node:fs');
const v8 = require('node:v8');
const workerThreads = require('node:worker_threads');

const out = process.env.MEMORY_PROBE_OUT;
if (out && workerThreads.isMainThread) {
  const workers = new Set();
  const Original = workerThreads.Worker;
  // The SDK creates its workflow thread with `new worker_threads.Worker(...)`, read at call time.
  workerThreads.Worker = class TrackedWorker extends Original {
    constructor(...args) {
      super(...args);
      workers.add(this);
      this.once('exit', () => workers.delete(this));
    }
  };
  process.on('SIGUSR2', () => {
    Promise.all([...workers].map((w) => w.getHeapStatistics()))
      .then((threads) => {
        writeFileSync(
          out,
          JSON.stringify({ main: v8.getHeapStatistics(), spaces: v8.getHeapSpaceStatistics(), threads, usage: process.memoryUsage() }),
        );
      })
      .catch((err) => writeFileSync(out, JSON.stringify({ error: String(err) })));
  });
}
