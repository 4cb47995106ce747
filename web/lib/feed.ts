// The event feed: the shared describe formatter's plain lines, newest first, with a category so
// people can filter for elections, failures, the network, clients or safety.
import { describeEvent, type ClusterEvent } from '../../shared/protocol/index.ts';

export type FeedCategory = 'all' | 'elections' | 'failures' | 'network' | 'clients' | 'safety' | 'time';

export const FEED_CATEGORIES: readonly { value: FeedCategory; label: string }[] = [
  { value: 'all', label: 'Everything' },
  { value: 'elections', label: 'Elections' },
  { value: 'failures', label: 'Failures and recovery' },
  { value: 'network', label: 'Network and messages' },
  { value: 'clients', label: 'Client operations' },
  { value: 'safety', label: 'Safety and switches' },
  { value: 'time', label: 'Time' },
];

export interface FeedLine {
  readonly seq: number;
  readonly time: number;
  readonly text: string;
  readonly category: Exclude<FeedCategory, 'all'>;
}

export function categoryOf(event: ClusterEvent): Exclude<FeedCategory, 'all'> {
  switch (event.type) {
    case 'node-status':
      return 'elections';
    case 'network':
    case 'bus-hold':
    case 'message-dropped':
    case 'message-sent':
    case 'message-delivered':
      return 'network';
    case 'client-op':
    case 'kv-applied':
      return 'clients';
    case 'violation':
    case 'switches':
      return 'safety';
    case 'clock':
      return 'time';
    default:
      return 'failures';
  }
}

/** Scans back from `count` events for up to `limit` matching lines (bounded work per call). */
export function feedLines(events: readonly ClusterEvent[], count: number, category: FeedCategory, text: string, limit = 200): FeedLine[] {
  const lines: FeedLine[] = [];
  const needle = text.trim().toLowerCase();
  const stopAt = Math.max(0, count - 50_000);
  const drops = new DropRun();
  for (let i = count - 1; i >= stopAt && lines.length < limit; i--) {
    const event = events[i]!;
    const kind = categoryOf(event);
    if (category !== 'all' && kind !== category) continue;
    const line = describeEvent(event);
    if (line === null || repeatsLeadership(events, i)) continue;
    if (needle && !line.toLowerCase().includes(needle)) continue;
    if (event.type === 'message-dropped' && drops.extends(event.reason)) {
      drops.add(event.id);
      continue;
    }
    drops.end(lines);
    if (event.type === 'message-dropped') drops.start(lines.length, event.reason, event.id);
    lines.push({ seq: event.seq, time: event.time, text: line, category: kind });
  }
  drops.end(lines);
  return lines;
}

/**
 * Drops in a row for the same reason, shown as one line: a leader heartbeats a dead node every
 * 50 ms, and one line per lost heartbeat would push everything else out of the feed. The scan runs
 * newest first, so the run's first drop is its newest; its line is rewritten once, when it ends.
 */
class DropRun {
  private at = -1;
  private reason = '';
  private count = 0;
  private newestId = 0;
  private oldestId = 0;

  extends(reason: string): boolean {
    return this.at >= 0 && reason === this.reason;
  }

  start(at: number, reason: string, id: number): void {
    this.at = at;
    this.reason = reason;
    this.count = 1;
    this.newestId = this.oldestId = id;
  }

  add(id: number): void {
    this.count += 1;
    this.oldestId = id;
  }

  end(lines: FeedLine[]): void {
    if (this.at >= 0 && this.count > 1) {
      lines[this.at] = { ...lines[this.at]!, text: `${this.count} messages dropped: ${this.reason} (#${this.oldestId}–#${this.newestId})` };
    }
    this.at = -1;
  }
}

/** How far back to look for a node's previous status (they come with every commit, so it is near). */
const STATUS_LOOKBACK = 2_000;

/** A leader's status changes with every commit it makes; the feed says "is leader" once per term. */
function repeatsLeadership(events: readonly ClusterEvent[], at: number): boolean {
  const event = events[at]!;
  if (event.type !== 'node-status' || event.status.role !== 'leader') return false;
  for (let i = at - 1; i >= Math.max(0, at - STATUS_LOOKBACK); i--) {
    const before = events[i]!;
    if (before.type !== 'node-status' || before.node !== event.node) continue;
    return before.status.role === 'leader' && before.status.term === event.status.term && before.status.leader === event.status.leader;
  }
  return false;
}
