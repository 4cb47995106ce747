// The main thread's handle on one node: starts its worker, posts to it, pauses and kills it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import type { ClientRequest, FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';
import { closeFilesUnder } from './leaked-files.ts';
import type { LaneEnd } from './lanes.ts';
import type { Posted } from './report-batcher.ts';

/** The esbuild bundle next to the built server, or the tsx boot file when running from source. */
function workerEntry(): URL {
  const bundled = new URL('./node-worker.js', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? bundled : new URL('./worker-boot.mjs', import.meta.url);
}

export interface NodeHostEvents {
  onReport(node: string, message: FromWorker): void;
  /** The worker is gone: killed by us (expected) or crashed (with an error). */
  onExit(node: string, expected: boolean, error: string | null): void;
}

export class NodeHost implements LaneEnd {
  private worker: Worker | null = null;
  private stopping = false;
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

  start(init: WorkerInit): void {
    if (this.worker) throw new Error(`${this.id} is already running`);
    const worker = new Worker(workerEntry(), { workerData: init });
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
      this.worker = null;
      this.outbox = [];
      const expected = this.stopping;
      this.events.onExit(this.id, expected, expected ? null : (crash ?? `worker exited with code ${code}`));
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

  /** Power cut: terminate the thread. Whatever it had not fsynced is gone. */
  async kill(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    await worker.terminate();
    await exited;
  }
}
