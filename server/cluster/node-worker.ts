// The entry point of one node's worker thread: feeds the clock's ticks (worker-ticker.ts), the bus's
// deliveries and client requests into the node, and reports everything back to the main thread.
//
// Group commit: each incoming message only steps the core. The host loop (persist → send → apply
// → advance) runs once per event-loop turn, on setImmediate, after every message already queued
// on the port has been stepped, so a burst of proposals and acks costs one Ready, one fdatasync
// and one report instead of one of each per message. While that fdatasync runs (off the thread,
// wal.ts) the next burst is stepped, and becomes the next Ready when the sync returns.
import { parentPort, workerData } from 'node:worker_threads';
import type { Message } from '../../shared/raft/index.ts';
import { NodeRuntime } from '../../shared/node/node-runtime.ts';
import { WalDisk, timeSlicedEncoder } from './storage/wal-disk.ts';
import { DurabilityLedger } from './storage/durability-ledger.ts';
import { DiskFailure } from '../../shared/node/disk.ts';
import { WorkerLanes } from './worker-lanes.ts';
import { ReportBatcher } from './report-batcher.ts';
import { TickCell } from './tick-cell.ts';
import { WorkerTicker } from './worker-ticker.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';
import { startNodeApi } from './node-api/worker-api.ts';

const port = parentPort;
if (!port) throw new Error('node-worker.ts must run inside a worker thread');

const batcher = new ReportBatcher((message) => port.postMessage(message));
const post = (message: FromWorker): void => batcher.report(message);

/** Anything thrown here is a bug or a broken disk: report it and stop, never limp on. */
function fatal(error: unknown): never {
  post({ type: 'fatal', error: describeFatal(error) });
  process.exit(1);
}

/** A disk's EIO is said as the disk said it ("disk failed: EIO on fdatasync of wal-…"), and the
 *  host told, so it cuts the files back to what was synced (node-host.ts); a bug with its stack. */
function describeFatal(error: unknown): string {
  if (error instanceof DiskFailure) {
    if (error.code === 'EIO') ledger?.markDiskFailed();
    return error.message;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

let flushScheduled = false;
function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flush);
}

// Background work (encoding a snapshot) runs a slice per turn, after the turn's messages and host
// loop, so the node keeps answering while it compacts.
let backgroundScheduled = false;
function scheduleBackground(): void {
  if (backgroundScheduled) return;
  backgroundScheduled = true;
  setImmediate(runBackground);
}

function runBackground(): void {
  backgroundScheduled = false;
  try {
    if (runtime.backgroundWork()) scheduleBackground();
  } catch (error) {
    fatal(error);
  }
}

// Messages from peers' lanes: stepped when the lane is open at this end, else handed to the bus.
const lanes = new WorkerLanes((_from, messages, accepted) => {
  try {
    ticker.catchUp();
    if (accepted) runtime.deliverFromLane(messages as Message[]);
    else runtime.toBus(messages as Message[]);
  } catch (error) {
    fatal(error);
  }
  scheduleFlush();
});

let runtime: NodeRuntime;
let ledger: DurabilityLedger | undefined;
try {
  const init = workerData as WorkerInit;
  // When the power goes (at a sync, see the ledger) the thread stops there: nothing after it runs.
  ledger = new DurabilityLedger(init.durability, () => process.exit(0));
  runtime = new NodeRuntime(init, {
    // The WAL's fdatasync runs on libuv's pool: the node steps, parses and answers while its disk
    // flushes, and its Ready is held (nothing of it promised) until the sync returns.
    disk: new WalDisk(init.dir, ledger, { fault: init.diskFault, seed: init.seed, syncOffThread: true }),
    encoder: timeSlicedEncoder,
    report: post,
    now: () => performance.now(),
    hooks: { background: scheduleBackground, wake: scheduleFlush, fatal },
    lanes: (messages) => lanes.route(messages) as { viaBus: Message[]; post: () => void },
  });
} catch (error) {
  // A corrupt log in the middle, an unreadable hard state, a disk that fails at once: stop with a
  // clear error, never guess.
  post({ type: 'fatal', error: error instanceof DiskFailure ? describeFatal(error) : error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

// The node's ticks: read from the clock's shared count before every input, and a timer only for
// the next tick that can change something (an idle follower sleeps until its election timeout).
const init = workerData as WorkerInit;
const ticker = new WorkerTicker(new TickCell(init.ticks.cell), init.ticks, {
  tick: (ticks) => runtime.tick(ticks),
  ticksUntilDue: () => runtime.ticksUntilDue(),
  wake: scheduleFlush,
}, undefined, init.ticks.since);
scheduleFlush(); // the first host loop arms the first timer: a lone new node must time out and elect itself

// The node's own API port, if the cluster's nodes serve one (node-api/).
let speed = init.ticks.speed;
const api = init.api ? startNodeApi(init, init.api, { runtime: () => runtime, wake: scheduleFlush, speed: () => speed, post }) : null;

function flush(): void {
  flushScheduled = false;
  try {
    runtime.flush();
    ticker.arm();
    api?.afterFlush();
  } catch (error) {
    fatal(error);
  }
}

port.on('message', (message: ToWorker) => {
  try {
    ticker.catchUp();
    switch (message.type) {
      case 'clock':
        speed = message.speed;
        ticker.setClock({ tickMs: init.ticks.tickMs, speed: message.speed, paused: message.paused });
        break;
      case 'freeze':
        ticker.freeze(message.frozen);
        api?.setPaused(message.frozen);
        break;
      case 'deliver':
        for (const m of message.messages) runtime.deliver(m as Parameters<NodeRuntime['deliver']>[0]);
        break;
      case 'clients':
        for (const request of message.requests) runtime.client(request);
        break;
      case 'lane-attach':
        lanes.attach(message.peer, message.port);
        return;
      case 'lane-detach':
        lanes.detach(message.peer);
        return;
      case 'lanes':
        lanes.set(message.sendTo, message.receiveFrom);
        return;
      case 'api-peers':
      case 'api-answer':
        api?.receive(message);
        return;
    }
  } catch (error) {
    fatal(error);
  }
  scheduleFlush();
});
