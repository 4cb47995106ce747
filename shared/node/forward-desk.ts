// The node runtime's desk for requests that are answered inside the node's own process rather than
// reported to its host: its own API port's client requests (ask), requests it forwards to another
// node as Forward messages (forward), and requests other nodes forwarded to it (receive), whose
// answers go back as ForwardResponse messages. Local requests take negative ids, so they never
// collide with the host's, which are positive and answered in the node's reports.
import { FORWARD_TERM, type ForwardableRequest, type ForwardingMessage } from './forwarding.ts';
import type { ClientOutcome, ClientRequest, NodeRequest } from './protocol.ts';

export type Answer = (outcome: ClientOutcome) => void;
type Outcomes = { requestId: number; outcome: ClientOutcome }[];

export class ForwardDesk {
  private readonly local = new Map<number, Answer>();
  private nextLocalId = -1;
  private readonly sent = new Map<number, Answer>();
  private nextForwardId = 1;
  private outbox: ForwardingMessage[] = [];

  constructor(
    private readonly self: string,
    /** Hands a request to the node, as the host's requests are. */
    private readonly submit: (request: ClientRequest) => void,
  ) {}

  /** A request of this node's own client: answered once the node decides it. Returns how to stop
   *  waiting (a timeout): the answer, if it still comes, is then dropped. */
  ask(request: NodeRequest, answer: Answer): () => void {
    const requestId = this.nextLocalId--;
    this.local.set(requestId, answer);
    this.submit({ ...request, requestId });
    return () => void this.local.delete(requestId);
  }

  /** Sends `request` to `to` as a Forward message (with the next flush); returns how to stop
   *  waiting for its answer (a timeout: a late or duplicated response is then ignored). */
  forward(to: string, request: ForwardableRequest, answer: Answer): () => void {
    const id = this.nextForwardId++;
    this.sent.set(id, answer);
    this.outbox.push({ type: 'Forward', from: this.self, to, term: FORWARD_TERM, id, request });
    return () => void this.sent.delete(id);
  }

  /** A Forward from a peer is run as a request of this node; its answer goes back to the peer. A
   *  response answers the request it names, once (a duplicate finds nothing waiting). */
  receive(message: ForwardingMessage): void {
    if (message.type === 'Forward') {
      const { from, id } = message;
      this.ask(message.request, (outcome) => void this.outbox.push({ type: 'ForwardResponse', from: this.self, to: from, term: FORWARD_TERM, id, outcome }));
      return;
    }
    const answer = this.sent.get(message.id);
    if (!answer) return;
    this.sent.delete(message.id);
    answer(message.outcome);
  }

  /** Takes the local requests' outcomes out of a turn's outcomes (in place) and answers them. */
  settle(outcomes: Outcomes): void {
    let kept = 0;
    for (const entry of outcomes) {
      const answer = entry.requestId < 0 ? this.local.get(entry.requestId) : undefined;
      if (entry.requestId >= 0) outcomes[kept++] = entry;
      else if (answer) {
        this.local.delete(entry.requestId);
        answer(entry.outcome);
      }
      // A local request nobody waits for any more (it timed out): its answer goes nowhere.
    }
    outcomes.length = kept;
  }

  /** Forward and ForwardResponse messages to send with this turn's. */
  takeOutbox(): ForwardingMessage[] {
    if (this.outbox.length === 0) return [];
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
}
