// Layout data for the space-time (Lamport) diagram: one lane per node, messages as lines from
// (sender, sent) to (receiver, delivered), and markers for elections, crashes, partitions, commits.
import type { ClusterEvent } from '../../shared/protocol/index.ts';
import { messageFamily, type MessageFamily } from './message-kind.ts';
import { networkBreakKey } from './incidents.ts';

export interface SpaceTimeMessage {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly family: MessageFamily;
  readonly sentAt: number;
  /** Delivery (or drop) time; the planned delivery while still in flight. */
  readonly endAt: number;
  readonly fate: 'delivered' | 'dropped' | 'in-flight';
  readonly rejected: boolean;
  readonly summary: string;
}

export type MarkerKind = 'election' | 'crash' | 'restart' | 'partition' | 'heal' | 'commit' | 'violation';

export interface SpaceTimeMarker {
  readonly kind: MarkerKind;
  readonly node: string | null;
  readonly time: number;
  readonly label: string;
}

export interface SpaceTimeData {
  readonly messages: SpaceTimeMessage[];
  readonly markers: SpaceTimeMarker[];
}

/** `events` should start a little before `from` so messages in flight at `from` are found. */
export function spaceTime(events: readonly ClusterEvent[], from: number, to: number, maxMessages = 400): SpaceTimeData {
  const messages = new Map<number, SpaceTimeMessage>();
  const markers: SpaceTimeMarker[] = [];
  const voteTerms = new Set<number>();
  const leaders = new Set<string>();
  let networkKey = '/';
  for (const event of events) {
    if (event.time > to) break;
    const visible = event.time >= from;
    switch (event.type) {
      case 'message-sent': {
        const m = event.message;
        if (m.kind === 'Vote') voteTerms.add(m.term);
        if (m.sentAt < from - 1 && m.deliverAt < from) break;
        messages.set(m.id, {
          id: m.id,
          from: m.from,
          to: m.to,
          family: messageFamily(m.kind),
          sentAt: m.sentAt,
          endAt: m.deliverAt,
          fate: 'in-flight',
          rejected: m.granted === false,
          summary: m.summary,
        });
        break;
      }
      case 'message-delivered':
      case 'message-dropped': {
        const m = messages.get(event.id);
        if (m) messages.set(event.id, { ...m, endAt: event.time, fate: event.type === 'message-delivered' ? 'delivered' : 'dropped' });
        break;
      }
      case 'node-status': {
        const key = `${event.node}@${event.status.term}`;
        if (event.status.role === 'leader' && !leaders.has(key)) {
          leaders.add(key);
          if (visible && voteTerms.has(event.status.term)) markers.push({ kind: 'election', node: event.node, time: event.time, label: `${event.node} elected, term ${event.status.term}` });
        }
        break;
      }
      case 'node-killed':
      case 'node-failed':
        if (visible) markers.push({ kind: 'crash', node: event.node, time: event.time, label: `${event.node} ${event.type === 'node-failed' ? 'failed' : event.reason === 'power-cut' ? 'lost power' : 'killed'}` });
        break;
      case 'node-recovered':
        if (visible) markers.push({ kind: 'restart', node: event.node, time: event.time, label: `${event.node} recovered` });
        break;
      case 'network': {
        const key = networkBreakKey(event.network);
        const changed = key !== networkKey;
        networkKey = key;
        if (visible && changed) {
          const broken = event.network.partition !== null || event.network.cuts.length > 0;
          markers.push({ kind: broken ? 'partition' : 'heal', node: null, time: event.time, label: broken ? 'network split or cut' : 'network healed' });
        }
        break;
      }
      case 'client-op':
        if (visible && event.outcome === 'ok' && event.op !== 'get') markers.push({ kind: 'commit', node: event.node, time: event.end, label: `${event.op} ${event.key} v${event.version ?? '?'} acknowledged` });
        break;
      case 'violation':
        if (visible) markers.push({ kind: 'violation', node: null, time: event.time, label: `violation: ${event.invariant}` });
        break;
      default:
        break;
    }
  }
  const list = [...messages.values()].filter((m) => m.endAt >= from && m.sentAt <= to);
  return { messages: list.slice(-maxMessages), markers };
}
