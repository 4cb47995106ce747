// Plain-language lines for the event feed. Message events reuse the message's own summary, which
// the core's describe formatter produced, so the feed, the inspector and the tests read the same.
import type { ClusterEvent } from './events.ts';
import { describeDiskFault } from '../node/disk-fault.ts';
import { challengeById } from '../challenges/catalog.ts';

/** Why a node is down (a node-killed reason), for its card: a kill keeps what the node wrote, a
 *  power cut only what it had synced. */
export function describeStop(reason: string): string {
  if (reason === 'killed') return 'killed: a process crash, what it wrote survives';
  if (reason === 'power-cut') return 'power cut: unsynced writes lost';
  return reason;
}

/** Returns null for events too frequent to list one by one (deliveries, heartbeats, disk stats). */
export function describeEvent(event: ClusterEvent): string | null {
  switch (event.type) {
    case 'node-status':
      return event.status.role === 'leader' && event.status.leader === event.node ? `${event.node} is leader of term ${event.status.term}` : null;
    case 'node-added':
      return `${event.node} joined the roster`;
    case 'node-removed':
      return `${event.node} was removed from the cluster`;
    case 'node-starting':
      return `${event.node} is starting and reading its disk`;
    case 'node-recovered': {
      const last = event.log.at(-1);
      const found = last ? `log up to ${last.index} (term ${last.term})` : event.snapshotIndex > 0 ? `a snapshot at ${event.snapshotIndex}` : 'an empty disk';
      const torn = event.tornTail ? `; truncated a torn tail: ${event.tornTail}` : '';
      return `${event.node} recovered term ${event.term}, vote ${event.vote ?? 'none'}, ${found}${torn}`;
    }
    case 'node-killed':
      if (event.reason === 'killed') return `${event.node} was killed (a process crash: what it wrote survives in the page cache)`;
      if (event.reason === 'power-cut') {
        const lost = event.lost && (event.lost.bytes > 0 || event.lost.files.length > 0) ? `; ${event.lost.bytes} B written but not synced were lost${event.lost.files.length > 0 ? ` (${event.lost.files.join(', ')})` : ''}` : '';
        return `${event.node} lost power (power cut: unsynced writes lost${lost})`;
      }
      return `${event.node} ${event.reason}`;
    case 'node-failed':
      return `${event.node} stopped: ${event.reason}`;
    case 'node-note':
      return `${event.node}: ${event.note.split('\n')[0]}`;
    case 'node-api':
      return event.address ? `${event.node} serves its API at ${event.address}${event.note ? ` (${event.note})` : ''}` : `${event.node}'s API port did not open: ${event.note ?? 'unknown'}`;
    case 'node-paused':
      return `${event.node} is paused (frozen: no ticks, messages wait at its door)`;
    case 'node-resumed':
      return `${event.node} resumed`;
    case 'node-wiped':
      return `${event.node}'s disk was wiped`;
    case 'node-disk-fault':
      return `${event.node}'s disk: ${describeDiskFault(event.fault)}`;
    case 'snapshot':
      return event.source === 'leader'
        ? `${event.node} installed the leader's snapshot at index ${event.index} (term ${event.term})`
        : `${event.node} took a snapshot at index ${event.index} and compacted its log`;
    case 'kv-reset':
      return event.reason === 'restore' ? `${event.node} restored its key-value store from a snapshot image` : null;
    case 'log-truncated':
      return `${event.node} dropped its log from index ${event.fromIndex} (it conflicted with the leader)`;
    case 'clock':
      return event.clock.paused ? 'time paused' : `time runs at ${event.clock.speed}×`;
    case 'network': {
      const { partition, cuts } = event.network;
      if (partition) return `network partitioned: ${partition.map((group) => group.join(' ')).join(' | ')}`;
      if (cuts.length > 0) return `network: ${cuts.map((cut) => `${cut.from}→${cut.to}`).join(', ')} cut`;
      return 'network: every link up';
    }
    case 'bus-hold':
      return event.held ? 'bus on hold: messages wait until released or stepped' : 'bus released';
    case 'switches': {
      const bugs = Object.entries(event.switches.bugs).filter(([, on]) => on).map(([name]) => name);
      return `switches: pre-vote ${event.switches.preVote ? 'on' : 'off'}, check-quorum ${event.switches.checkQuorum ? 'on' : 'off'}${bugs.length ? `, BUGS ON: ${bugs.join(', ')}` : ''}`;
    }
    case 'chaos':
      return event.action ? `chaos: ${event.action}` : event.running ? 'chaos autopilot started' : 'chaos autopilot stopped';
    case 'tour': {
      const { tour } = event;
      const step = `step ${tour.step + 1}/${tour.total} "${tour.stepTitle}"`;
      if (tour.status === 'passed') return `tour: ${step} ✓`;
      if (tour.status === 'failed') return `tour: ${step} did not happen as described: ${tour.verdicts.filter((v) => !v.ok).map((v) => v.detail).join('; ')}`;
      if (tour.status === 'done') return `tour "${tour.title}" finished`;
      return null;
    }
    case 'violation':
      return `SAFETY VIOLATION (${event.invariant}): ${event.explanation}`;
    case 'checker-stopped':
      return `CHECKER STOPPED: ${event.explanation}`;
    case 'challenge':
      return `CHALLENGE SOLVED (${challengeById(event.challenge)?.title ?? event.challenge}): ${event.detail}`;
    case 'liveness':
      // Only the news: "holds" and "waiting" change with every election, and the panel shows them.
      return event.liveness.state === 'stuck' ? `LIVENESS: ${event.liveness.explanation}` : null;
    case 'client-op':
      return `client ${event.outcome === 'ok' ? '✓' : event.outcome === 'unknown' ? '?' : '✗'} ${event.detail}`;
    case 'message-dropped':
      return `message #${event.id} dropped: ${event.reason}`;
    case 'client-call':
    case 'message-sent':
    case 'message-delivered':
    case 'log-appended':
    case 'kv-applied':
    case 'node-disk':
      return null;
  }
}
