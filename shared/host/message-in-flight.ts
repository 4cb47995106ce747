// One message on a bus (the real server's or the simulator's), which is also its view in events
// and in the cluster view. The summary (a formatted line, the costliest part for an Append of 64
// entries) is built on first read; toJSON is what pages receive: the view without the message.
import { describeMessage, type Message } from '../raft/index.ts';
import type { MessageBase } from '../raft/types.ts';
import type { MessageView } from '../protocol/views.ts';
import { describeForwarding, isForwarding } from '../node/forwarding.ts';

/** messageViewSchema's bound on `summary`. */
const MAX_SUMMARY = 500;

export class MessageInFlight<M extends MessageBase = Message> implements MessageView {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly term: number;
  readonly size: number;
  readonly granted?: boolean;
  readonly entries?: number;
  private described: string | undefined;

  constructor(
    readonly id: number,
    readonly message: M,
    readonly sentAt: number,
    readonly deliverAt: number,
  ) {
    this.from = message.from;
    this.to = message.to;
    this.kind = message.type;
    this.term = message.term;
    this.size = approximateSize(message);
    const reject = (message as { reject?: unknown }).reject;
    const entries = (message as { entries?: readonly unknown[] }).entries;
    if (typeof reject === 'boolean') this.granted = !reject;
    if (entries) this.entries = entries.length;
    // A foreign node's message (server/foreign) is its Maelstrom envelope: sized and shown as JSON.
    const envelope = (message as { envelope?: { body: unknown } }).envelope;
    if (envelope) {
      this.described = clamp(`${message.from}→${message.to} ${JSON.stringify(envelope.body)}`, MAX_SUMMARY);
      this.size = JSON.stringify(envelope).length;
    }
  }

  get summary(): string {
    // Clamped to the protocol's bound (an Append of 64 entries describes to ~2 kB), so a page or
    // an exported recording never holds a view the schema would refuse.
    this.described ??= clamp(isForwarding(this.message) ? describeForwarding(this.message) : describeMessage(this.message as unknown as Message), MAX_SUMMARY);
    return this.described;
  }

  toJSON(): MessageView {
    return {
      id: this.id, from: this.from, to: this.to, kind: this.kind, term: this.term, size: this.size,
      sentAt: this.sentAt, deliverAt: this.deliverAt, summary: this.summary,
      ...(this.granted !== undefined ? { granted: this.granted } : {}),
      ...(this.entries !== undefined ? { entries: this.entries } : {}),
    };
  }
}

function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Bytes of the message as JSON, without paying for JSON.stringify on small messages. */
function approximateSize(message: MessageBase): number {
  const entries = (message as { entries?: readonly { data: string }[] }).entries;
  let size = 64;
  if (entries) for (const entry of entries) size += 24 + entry.data.length;
  const snapshot = (message as { snapshot?: { data: string } }).snapshot;
  if (snapshot) size += snapshot.data.length;
  return size;
}
