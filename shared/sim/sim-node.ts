// One simulated node: the lab's node runtime (shared/node/node-runtime.ts), unchanged, on a disk in
// memory, in virtual time. Both simulators host their nodes with it: the seed simulator
// (simulator.ts) and the scenario cluster (sim-cluster.ts). What a worker thread does around the
// runtime is done here in process: a tick per virtual tick, background work (a compaction's encoding
// and its file) a slice per tick, requests held while the node is paused (a frozen worker reads
// nothing), and a kill that keeps only what the disk kept. A crash plan on the disk stops the node
// inside a turn, at a persist, as a power cut between two writes would. A disk that fails (EIO, a
// corrupt log at open) stops it as a worker stops: fail-stop, reported, and what the disk had not
// synced is gone, as the lab cuts a failed disk's files back to what was synced.
import type { Message } from '../raft/index.ts';
import { NodeRuntime } from '../node/node-runtime.ts';
import { DiskCrash, DiskFailure, RecoveryRefused } from '../node/disk.ts';
import { MemoryDisk, pieceEncoder } from '../node/memory-disk.ts';
import type { ClientRequest, NodeInit, NodeReport } from '../node/protocol.ts';

export interface SimNodeHost {
  report(node: string, report: NodeReport): void;
  /** The node stopped on its own: its disk crashed it (a crash plan) or failed. Not called for kill(). */
  stopped(node: string, reason: 'crash-plan' | 'failed' | 'refused'): void;
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
    /**
     * One turn per tick: a request waits for the tick's flush instead of flushing at once. The seed
     * simulator runs so (everything that arrives in a tick is one turn, one Ready, one sync: a
     * schedule a busy worker also goes through); the scenario cluster answers at once, as an idle one.
     */
    private readonly turnPerTick = false,
  ) {}

  get running(): boolean {
    return this.runtime !== null;
  }

  /** The runtime, for a host that inspects it (status, replica state); null while down. */
  get node(): NodeRuntime | null {
    return this.runtime;
  }

  /** Boots from whatever the disk holds (the runtime reports what it found). */
  start(init: NodeInit): void {
    this.paused = false;
    this.waiting.length = 0;
    this.backgroundDue = false;
    this.guard(() => {
      try {
        this.startRuntime(init);
      } catch (error) {
        // Recovery refused the disk (a corrupt record mid-log): the node does not start, and says
        // why, as a worker's fatal does. (A disk failing at once is guard's DiskFailure.)
        if (!(error instanceof RecoveryRefused)) throw error;
        this.fail(error);
      }
    });
  }

  private startRuntime(init: NodeInit): void {
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
    this.guard(() => {
      runtime.tick(1);
      if (this.backgroundDue) this.backgroundDue = runtime.backgroundWork();
      // A background file written during the last tick is durable by now.
      this.disk.finishBackground();
      runtime.flush();
    });
  }

  /** Steps delivered messages in; call flush() once the batch is in. */
  deliver(messages: readonly Message[]): void {
    const runtime = this.runtime;
    if (runtime === null) return;
    this.guard(() => {
      for (const message of messages) runtime.deliver(message);
    });
  }

  flush(): void {
    const runtime = this.runtime;
    if (runtime !== null) this.guard(() => runtime.flush());
  }

  resume(): void {
    this.paused = false;
    for (const request of this.waiting.splice(0)) this.client(request);
  }

  client(request: ClientRequest): void {
    const runtime = this.runtime;
    if (runtime === null) return;
    if (this.paused) return void this.waiting.push(request);
    this.guard(() => {
      runtime.client(request);
      // A worker flushes after every turn of its event loop: the answer goes out at once.
      if (!this.turnPerTick) runtime.flush();
    });
  }

  /** Runs the runtime; a crash plan that fires inside stops the node there. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      if (error instanceof DiskFailure) return this.fail(error);
      if (!(error instanceof DiskCrash)) throw error;
      this.kill();
      this.host.stopped(this.id, 'crash-plan');
    }
  }

  private fail(error: unknown): void {
    this.host.report(this.id, { type: 'fatal', error: error instanceof Error ? error.message : String(error) });
    this.kill();
    // After an EIO the page cache is not to be trusted: only what was synced comes back.
    if (error instanceof DiskFailure) this.disk.loseUnsynced();
    this.host.stopped(this.id, error instanceof RecoveryRefused ? 'refused' : 'failed');
  }
}
