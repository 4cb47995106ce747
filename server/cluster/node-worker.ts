// The entry point of one node's worker thread: feeds the clock's ticks, the bus's deliveries and
// client requests into the node, and reports everything back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { NodeRuntime } from './node-runtime.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('node-worker.ts must run inside a worker thread');

const post = (message: FromWorker): void => port.postMessage(message);

let runtime: NodeRuntime;
try {
  runtime = new NodeRuntime(workerData as WorkerInit, post);
} catch (error) {
  // A corrupt log in the middle, an unreadable hard state: stop with a clear error, never guess.
  post({ type: 'fatal', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

port.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'tick':
        runtime.tick(message.ticks);
        return;
      case 'deliver':
        runtime.deliver(message.message as Parameters<NodeRuntime['deliver']>[0]);
        return;
      case 'client':
        runtime.client(message.request);
        return;
    }
  } catch (error) {
    post({ type: 'fatal', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
});
