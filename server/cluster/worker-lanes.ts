// A node's direct lanes to its peers (the worker's side). A lane is a MessageChannel between two
// node workers, used only while the main thread says the link is instant (no delay, loss, cut,
// hold, pause: see lanes.ts). Then a message crosses one thread boundary instead of three, and the
// main thread, which would only have relayed it, is left free. The bus still records every
// message: the receiver reports what it took from a lane, and the bus shows it sent and delivered.
//
// Both ends check: the sender posts on a lane only while it may send to that peer, and the
// receiver takes from a lane only while it may receive from it. A message that was already on its
// way when a lane closed (a cut, a pause, hold mode) goes to the bus instead, which applies the
// network as it is now. So a fault takes effect the moment the receiver hears of it.
import type { MessagePort } from 'node:worker_threads';
import type { MessageBase } from '../../shared/raft/types.ts';

export interface LaneBatch {
  readonly messages: readonly MessageBase[];
}

export class WorkerLanes {
  private readonly ports = new Map<string, MessagePort>();
  private sendTo = new Set<string>();
  private receiveFrom = new Set<string>();

  constructor(
    /** Messages a peer sent on a lane: `accepted` are to be stepped, otherwise they go to the bus. */
    private readonly onArrival: (from: string, messages: readonly MessageBase[], accepted: boolean) => void,
  ) {}

  /** A new lane to `peer` (replacing one to an earlier incarnation of it). */
  attach(peer: string, port: MessagePort): void {
    this.detach(peer);
    this.ports.set(peer, port);
    port.on('message', (batch: LaneBatch) => this.onArrival(peer, batch.messages, this.receiveFrom.has(peer)));
  }

  detach(peer: string): void {
    const port = this.ports.get(peer);
    if (!port) return;
    this.ports.delete(peer);
    port.close();
  }

  /** Which lanes are open now, as the main thread decided. */
  set(sendTo: readonly string[], receiveFrom: readonly string[]): void {
    this.sendTo = new Set(sendTo);
    this.receiveFrom = new Set(receiveFrom);
  }

  /**
   * Splits messages into lane batches (one post per peer, messages in order, sent when `post` is
   * called) and the share that must go through the bus.
   */
  route(messages: readonly MessageBase[]): { viaBus: MessageBase[]; post: () => void } {
    if (this.sendTo.size === 0 || messages.length === 0) return { viaBus: [...messages], post: nothing };
    const viaBus: MessageBase[] = [];
    const byPeer = new Map<string, MessageBase[]>();
    for (const message of messages) {
      if (!this.sendTo.has(message.to) || !this.ports.has(message.to)) {
        viaBus.push(message);
        continue;
      }
      const batch = byPeer.get(message.to);
      if (batch) batch.push(message);
      else byPeer.set(message.to, [message]);
    }
    const post = (): void => {
      for (const [peer, batch] of byPeer) this.ports.get(peer)?.postMessage({ messages: batch } satisfies LaneBatch);
    };
    return { viaBus, post };
  }
}

const nothing = (): void => {};
