// The main thread's switchboard of direct lanes between node workers (see worker-lanes.ts for the
// nodes' side). Every pair of running nodes gets a MessageChannel; whether a lane may carry
// messages is decided here, from the same things that decide what the bus does: a lane from → to
// is open only while that link is instant in the network model, the bus is not held, the clock
// runs at full speed and neither node is paused. Anything else (teaching latency, a cut, a partition, loss,
// hold and step, a paused node or clock) closes it, and messages go through the bus as before.
import { MessageChannel, type MessagePort } from 'node:worker_threads';

export interface LaneEnd {
  readonly id: string;
  /** Hands `port` to the node as its lane to `peer` (delivered even while the node is paused). */
  attach(peer: string, port: MessagePort): void;
  detach(peer: string): void;
  open(sendTo: readonly string[], receiveFrom: readonly string[]): void;
}

export class Lanes {
  private readonly ends = new Map<string, LaneEnd>();
  /** What each node was last told, so only changes are posted. */
  private readonly told = new Map<string, string>();

  constructor(
    /** Whether messages from → to may skip the bus right now. */
    private readonly instant: (from: string, to: string) => boolean,
  ) {}

  /** A node's worker started: a fresh lane to every other running node. */
  started(end: LaneEnd): void {
    this.stopped(end.id);
    for (const peer of this.ends.values()) {
      const { port1, port2 } = new MessageChannel();
      end.attach(peer.id, port1);
      peer.attach(end.id, port2);
    }
    this.ends.set(end.id, end);
    this.refresh();
  }

  /** A node's worker is gone: its peers close their lanes to it. */
  stopped(id: string): void {
    if (!this.ends.delete(id)) return;
    this.told.delete(id);
    for (const peer of this.ends.values()) peer.detach(id);
    this.refresh();
  }

  /** Something that decides lanes changed (network, hold, pause, clock): tell nodes what changed. */
  refresh(): void {
    for (const end of this.ends.values()) {
      const sendTo: string[] = [];
      const receiveFrom: string[] = [];
      for (const peer of this.ends.keys()) {
        if (peer === end.id) continue;
        if (this.instant(end.id, peer)) sendTo.push(peer);
        if (this.instant(peer, end.id)) receiveFrom.push(peer);
      }
      const key = `${sendTo.join(',')}|${receiveFrom.join(',')}`;
      if (this.told.get(end.id) === key) continue;
      this.told.set(end.id, key);
      end.open(sendTo, receiveFrom);
    }
  }
}
