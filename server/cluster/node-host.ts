// The main thread's handle on one node: starts its worker, posts to it, pauses, kills it and cuts
// its power. It keeps the node's durability ledger (storage/durability-ledger.ts) across workers,
// as the disk outlives the machine: after a power cut it cuts the node's files back to what the
// ledger says was synced, before anything can start the node again.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { ClientRequest, FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';
import { closeFilesUnder } from './leaked-files.ts';
import type { LaneEnd } from './lanes.ts';
import type { Posted } from './report-batcher.ts';
import { createPrng } from '../../shared/net/index.ts';
import { DurabilityLedger, Power } from './storage/durability-ledger.ts';
import { NOTHING_LOST, cutPower, type PowerCutReport } from './storage/power-cut.ts';
import { corruptSyncedRecord, type FlippedBit } from './storage/corrupt-record.ts';
import { NO_DISK_FAULT, type DiskFault } from '../../shared/node/disk-fault.ts';

/** The esbuild bundle next to the built server, or the tsx boot file when running from source. */
function workerEntry(): URL {
  const bundled = new URL('./node-worker.js', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? bundled : new URL('./worker-boot.mjs', import.meta.url);
}

/**
 * A node's worker allocates small, short-lived objects (messages, entries, reports): a 4 MB young
 * generation is plenty, and V8's default lets each worker's resident set grow by ~5 MB more after
 * a burst of writes (footprint bench, 3 runs each: 24.6–24.8 → 17.6–19.6 MB per node, the same
 * writes/s at 1 and 64 clients). Old space is not capped: a node's store may legitimately be large.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 } as const;

/** How a worker we stopped stopped: a process crash, or a power cut that took its unsynced bytes. */
export type StopKind = 'killed' | 'power-cut';

/** A power cut's outcome, with the seed that chose its torn records. */
export type PowerCutOutcome = PowerCutReport & { readonly seed: number };

export interface NodeHostEvents {
  onReport(node: string, message: FromWorker): void;
  /** The worker is gone: stopped by us (`stop`), or crashed on its own (stop null, with an error). */
  onExit(node: string, stop: StopKind | null, error: string | null): void;
}

export class NodeHost implements LaneEnd {
  private worker: Worker | null = null;
  private stopping = false;
  /** What the node's disk has synced, across all its workers, and its power switch. */
  private readonly ledger = new DurabilityLedger();
  /** The node's directory, once it has been started. */
  private dir: string | null = null;
  private lastCut: PowerCutOutcome | null = null;
  /** The disk's fault, kept across workers as the disk outlives them (each worker starts with it). */
  private fault: DiskFault = NO_DISK_FAULT;
  /** A failing disk's EIO fired and the fault is spent: the cluster tells the page once. */
  private faultSpent = false;
  private frozen = false;
  /** Client requests that arrived while paused; handled on resume. */
  private readonly waiting: ToWorker[] = [];
  /** Client requests of this event-loop turn: one post (one wake-up of the worker) for all of them. */
  private outbox: ClientRequest[] = [];
  private readonly sendOutbox = (): void => {
    const requests = this.outbox;
    this.outbox = [];
    if (requests.length > 0) this.post({ type: 'clients', requests });
  };

  constructor(
    readonly id: string,
    private readonly events: NodeHostEvents,
  ) {}

  get running(): boolean {
    return this.worker !== null;
  }

  get paused(): boolean {
    return this.frozen && this.worker !== null;
  }

  start(init: Omit<WorkerInit, 'durability'>): void {
    if (this.worker) throw new Error(`${this.id} is already running`);
    this.ledger.switchOn();
    this.dir = init.dir;
    const worker = new Worker(workerEntry(), { resourceLimits: WORKER_LIMITS, workerData: { ...init, durability: this.ledger.buffer, diskFault: this.fault } satisfies WorkerInit });
    this.worker = worker;
    this.stopping = false;
    this.frozen = false;
    this.waiting.length = 0;
    let crash: string | null = null;
    worker.on('message', (message: Posted) => {
      if (this.worker !== worker) return; // a late message from a worker we already killed
      if (message.type === 'fatal') crash = message.error;
      if (message.type !== 'reports') return this.events.onReport(this.id, message);
      for (const report of message.reports) this.events.onReport(this.id, report);
    });
    worker.on('error', (error) => {
      crash = error.stack ?? error.message;
    });
    worker.on('exit', (code) => {
      closeFilesUnder(init.dir);
      if (this.worker !== worker) return;
      // The power went off (now, or at the node's next sync): its files lose what it never synced,
      // here, before a restart could read them. An armed cut that never came is a plain kill.
      const power = this.ledger.power;
      let stop: StopKind | null = this.stopping ? 'killed' : null;
      if (this.ledger.diskFailed) {
        // The disk returned EIO and the node stopped (its card says why). What its page cache
        // held past the last good sync cannot be trusted (fsyncgate): its files keep only what was
        // synced, as after a power cut, so a restart recovers from what is durable.
        if (this.fault.kind === 'failing') {
          this.fault = NO_DISK_FAULT;
          this.faultSpent = true;
        }
        try {
          this.cutDisk(init.dir);
        } catch (error) {
          crash = `the failed disk could not be cut back to what it had synced: ${error instanceof Error ? error.message : String(error)}`;
        }
      } else if (power === Power.Off || power === Power.WentOffAtSync) {
        try {
          this.cutDisk(init.dir);
          stop = 'power-cut';
        } catch (error) {
          stop = null;
          crash = `the power cut could not be applied to its disk: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      this.worker = null;
      this.outbox = [];
      this.events.onExit(this.id, stop, stop ? null : (crash ?? `worker exited with code ${code}`));
    });
  }

  /** False when the node is not running. While paused, deliveries and requests wait. */
  post(message: ToWorker): boolean {
    if (!this.worker) return false;
    if (this.frozen) {
      this.waiting.push(message);
      return true;
    }
    this.worker.postMessage(message);
    return true;
  }

  /** Lane set-up and changes reach the worker even while it is paused (it must turn lanes away). */
  attach(peer: string, port: MessagePort): void {
    this.worker?.postMessage({ type: 'lane-attach', peer, port } satisfies ToWorker, [port]);
  }

  detach(peer: string): void {
    this.worker?.postMessage({ type: 'lane-detach', peer } satisfies ToWorker);
  }

  open(sendTo: readonly string[], receiveFrom: readonly string[]): void {
    this.worker?.postMessage({ type: 'lanes', sendTo, receiveFrom } satisfies ToWorker);
  }

  /** Queues a client request; everything queued in this turn goes to the worker together. */
  request(request: ClientRequest): boolean {
    if (!this.worker) return false;
    if (this.outbox.push(request) === 1) setImmediate(this.sendOutbox);
    return true;
  }

  /** The clock's speed or pause reaches the worker even while the node is paused (it keeps no ticks then anyway). */
  clock(speed: number, paused: boolean): void {
    this.worker?.postMessage({ type: 'clock', speed, paused } satisfies ToWorker);
  }

  pause(): void {
    this.frozen = true;
    this.worker?.postMessage({ type: 'freeze', frozen: true } satisfies ToWorker);
  }

  resume(): void {
    this.frozen = false;
    this.worker?.postMessage({ type: 'freeze', frozen: false } satisfies ToWorker);
    for (const message of this.waiting.splice(0)) this.worker?.postMessage(message);
  }

  /** A process crash: terminate the thread. What it wrote stays, in the page cache. */
  kill(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    // One termination per worker, however many callers ask for it at once (each used to add an
    // exit listener of its own: Node warned past ten).
    if (this.killing?.worker === worker) return this.killing.done;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const done = worker.terminate().then(() => exited);
    this.killing = { worker, done };
    return done;
  }

  /** The termination under way, if any. */
  private killing: { readonly worker: Worker; readonly done: Promise<void> } | null = null;

  /**
   * A power cut now: the thread stops and the node's files keep only what it had synced. A node
   * already down loses what the page cache still held of its files.
   */
  /** What the last power cut took from this node's files (null before any). */
  get lastPowerCut(): PowerCutOutcome | null {
    return this.lastCut;
  }

  async powerCut(): Promise<PowerCutOutcome> {
    const worker = this.worker;
    if (!worker) return this.dir ? this.cutDisk(this.dir) : { ...NOTHING_LOST, seed: 0 };
    this.ledger.switchOff('now');
    this.lastCut = null;
    await this.kill();
    if (!this.lastCut) throw new Error(`${this.id} stopped, but its power cut was not applied`);
    return this.lastCut;
  }

  /** The power goes when the node next syncs, before that sync (the exit reports it as a power cut). */
  powerCutAtNextSync(): void {
    if (!this.worker) throw new Error(`${this.id} is not running`);
    this.ledger.switchOff('next-sync');
  }

  get diskFault(): DiskFault {
    return this.fault;
  }

  /** Kept for the node's next workers; the cluster tells a running one (a request). */
  setDiskFault(fault: DiskFault): void {
    this.fault = fault;
    this.faultSpent = false;
  }

  /** True once after a failing disk's EIO fired (the fault is `none` again). */
  takeSpentFault(): boolean {
    const spent = this.faultSpent;
    this.faultSpent = false;
    return spent;
  }

  /** A bit flips in a synced record mid-log (storage/corrupt-record.ts); null: too few records. */
  corruptDisk(): FlippedBit | null {
    if (!this.dir) return null;
    const flipped = corruptSyncedRecord(this.dir, this.ledger, createPrng(randomBytes(4).readUInt32LE(0)));
    if (flipped) this.fault = { kind: 'corrupt', where: `a bit flipped in ${flipped.segment}, in the record at byte ${flipped.offset}` };
    return flipped;
  }

  /** A new, empty disk (a wipe): healthy. */
  diskReplaced(): void {
    this.fault = NO_DISK_FAULT;
    this.faultSpent = false;
  }

  private cutDisk(dir: string): PowerCutOutcome {
    const seed = randomBytes(4).readUInt32LE(0);
    this.lastCut = { ...cutPower(dir, this.ledger, createPrng(seed)), seed };
    return this.lastCut;
  }
}
