// Plain-language lines for the event feed. Message events reuse the message's own summary, which
// the core's describe formatter produced, so the feed, the inspector and the tests read the same.
import type { ClusterEvent } from './events.ts';

/** Returns null for events too frequent to list one by one (deliveries, heartbeats). */
export function describeEvent(event: ClusterEvent): string | null {
  switch (event.type) {
    case 'node-status':
      return event.status.role === 'leader' ? `${event.node} is leader of term ${event.status.term}` : null;
    case 'node-starting':
      return `${event.node} is starting and reading its disk`;
    case 'node-recovered': {
      const last = event.log.at(-1);
      const found = last ? `log up to ${last.index} (term ${last.term})` : 'an empty log';
      const torn = event.tornTail ? `; truncated a torn tail: ${event.tornTail}` : '';
      return `${event.node} recovered term ${event.term}, vote ${event.vote ?? 'none'}, ${found}${torn}`;
    }
    case 'node-killed':
      return `${event.node} ${event.reason === 'killed' ? 'was killed (power cut: unsynced data is gone)' : event.reason}`;
    case 'log-truncated':
      return `${event.node} dropped its log from index ${event.fromIndex} (it conflicted with the leader)`;
    case 'clock':
      return event.clock.paused ? 'time paused' : `time runs at ${event.clock.speed}×`;
    case 'client-op':
      return `client ${event.outcome === 'ok' ? '✓' : event.outcome === 'unknown' ? '?' : '✗'} ${event.detail}`;
    case 'message-dropped':
      return `message #${event.id} dropped: ${event.reason}`;
    case 'message-sent':
    case 'message-delivered':
    case 'log-appended':
    case 'kv-applied':
      return null;
  }
}
