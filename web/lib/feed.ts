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
  for (let i = count - 1; i >= stopAt && lines.length < limit; i--) {
    const event = events[i]!;
    const kind = categoryOf(event);
    if (category !== 'all' && kind !== category) continue;
    const line = describeEvent(event);
    if (line === null) continue;
    if (needle && !line.toLowerCase().includes(needle)) continue;
    lines.push({ seq: event.seq, time: event.time, text: line, category: kind });
  }
  return lines;
}
