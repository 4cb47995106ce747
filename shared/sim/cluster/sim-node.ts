// One simulated node of the scenario cluster: the lab's node runtime (shared/node/node-runtime.ts),
// unchanged, on a disk in memory, in virtual time. What the worker thread does around the runtime
// is done here in process: a tick per virtual tick, background work (a compaction's encoding and its
// file) a slice per tick, requests held while the node is paused (a frozen worker reads nothing),
// and a kill that keeps only what the disk kept.
import type { Message } from '../../raft/index.ts';
import { NodeRuntime } from '../../node/node-runtime.ts';
import { MemoryDisk, pieceEncoder } from '../../node/memory-disk.ts';
import type { ClientRequest, NodeInit, NodeReport } from '../../node/protocol.ts';

export interface SimNodeHost {
  report(node: string, report: NodeReport): void;
  /** The runtime stopped itself (its disk failed): the cluster treats it as a crash. */
  failed(node: string): void;
  /** Virtual ms, for pacing disk reports. */
  now(): number;
}

export class SimNode {
  disk = new MemoryDisk();
  paused = false;
  private runtime: NodeRuntime | null = null;
  /** Requests that arrived while paused; handled on resume. */
  private readonly waiting: ClientRequest[] = [];
  private backgroundDue = false;

  constructor(
    readonly id: string,
    private readonly host: SimNodeHost,
  ) {}

  get running(): boolean {
    return this.runtime !== null;
  }

  /** Boots from whatever the disk holds (the runtime reports what it found). */
  start(init: NodeInit): void {
    this.paused = false;
    this.waiting.length = 0;
    this.backgroundDue = false;
    this.runtime = new NodeRuntime(init, {
      disk: this.disk,
      encoder: pieceEncoder,
      report: (report) => this.host.report(this.id, report),
      now: () => this.host.now(),
      hooks: {
        background: () => void (this.backgroundDue = true),
        // Background work only runs inside tick(), which flushes after it.
        wake: () => {},
        fatal: (error) => this.fail(error),
      },
    });
  }

  /** Power off: volatile state is gone, the disk keeps what was persisted. */
  kill(): void {
    this.runtime = null;
    this.paused = false;
    this.waiting.length = 0;
    this.disk.crash();
  }

  /** One virtual tick: the core's timers, then a slice of background work, then one flush. */
  tick(): void {
    const runtime = this.runtime;
    if (runtime === null || this.paused) return;
    runtime.tick(1);
    if (this.backgroundDue) this.backgroundDue = runtime.backgroundWork();
    // A background file written during the last tick is durable by now.
    this.disk.finishBackground();
    runtime.flush();
  }

  /** Steps delivered messages in; the bus calls flush() once the batch is in. */
  deliver(messages: readonly Message[]): void {
    for (const message of messages) this.runtime?.deliver(message);
  }

  flush(): void {
    this.runtime?.flush();
  }

  resume(): void {
    this.paused = false;
    for (const request of this.waiting.splice(0)) this.client(request);
  }

  client(request: ClientRequest): void {
    const runtime = this.runtime;
    if (runtime === null) return;
    if (this.paused) return void this.waiting.push(request);
    runtime.client(request);
    // A worker flushes after every turn of its event loop: the answer goes out at once.
    runtime.flush();
  }

  private fail(error: unknown): void {
    this.host.report(this.id, { type: 'fatal', error: error instanceof Error ? error.message : String(error) });
    this.kill();
    this.host.failed(this.id);
  }
}
