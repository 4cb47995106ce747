// Incident metrics computed from the recorded events: after each failure, how long the cluster went
// without a leader (RTO) and whether any acknowledged write was lost (RPO, which Raft keeps at 0).
import type { ClusterEvent, ClusterView, NetworkView, NodeLife, NodeView } from '../../shared/protocol/index.ts';

export interface Incident {
  readonly seq: number;
  readonly time: number;
  readonly label: string;
  /** Virtual ms without a leader after it; null while there is still none. 0: the leader held. */
  readonly rto: number | null;
}

interface NodeBrief {
  life: NodeLife;
  role: NodeView['role'];
}

/** Cuts and partition only: a change of latency or loss alone is not a failure. */
export function networkBreakKey(network: NetworkView): string {
  const cuts = network.cuts.map((cut) => `${cut.from}>${cut.to}`).sort().join(',');
  const partition = network.partition ? network.partition.map((group) => [...group].sort().join(' ')).join('|') : '';
  return `${cuts}/${partition}`;
}

function failureLabel(event: ClusterEvent, previousNetwork: { key: string }): string | null {
  switch (event.type) {
    case 'node-killed':
      return `${event.node} ${event.reason === 'power-cut' ? 'lost power' : 'killed'}`;
    case 'node-failed':
      return `${event.node} failed`;
    case 'node-paused':
      return `${event.node} paused`;
    case 'node-wiped':
      return `${event.node} wiped`;
    case 'network': {
      const key = networkBreakKey(event.network);
      const changed = key !== previousNetwork.key;
      previousNetwork.key = key;
      if (!changed) return null;
      if (event.network.partition) return `partition ${event.network.partition.map((group) => group.join(' ')).join(' | ')}`;
      if (event.network.cuts.length > 0) return `${event.network.cuts.length} link${event.network.cuts.length === 1 ? '' : 's'} cut`;
      return null;
    }
    default:
      return null;
  }
}

/**
 * What the incident table says while it is empty. A page that joined after a failure has no event
 * of it, so "no failures yet" would be wrong: say which nodes were already down when it joined.
 */
export function noIncidentsNote(start: ClusterView | undefined): string {
  const down = (start?.nodes ?? []).filter((node) => node.life === 'dead' || node.life === 'failed').map((node) => node.id);
  if (down.length === 0) return 'No failures yet: kill a node or cut a link.';
  return `No failures since this page joined; ${down.join(', ')} ${down.length === 1 ? 'was' : 'were'} already down then.`;
}

/** Failures and their recovery times. Failures within one leaderless stretch share its duration. */
export function incidentsOf(start: ClusterView, events: readonly ClusterEvent[]): Incident[] {
  const nodes = new Map<string, NodeBrief>(start.nodes.map((node) => [node.id, { life: node.life, role: node.role }]));
  const hasLeader = (): boolean => [...nodes.values()].some((node) => node.life === 'alive' && node.role === 'leader');
  const open: { seq: number; time: number; label: string; lostAt: number | null }[] = [];
  const done: Incident[] = [];
  let leaderlessSince: number | null = hasLeader() ? null : start.clock.now;
  const network = { key: start.network ? networkBreakKey(start.network) : '/' };

  for (const event of events) {
    switch (event.type) {
      case 'node-status': {
        const node = nodes.get(event.node) ?? { life: 'alive', role: 'follower' };
        node.role = event.status.role;
        if (node.life === 'starting') node.life = 'alive';
        nodes.set(event.node, node);
        break;
      }
      case 'node-recovered':
        nodes.set(event.node, { life: 'alive', role: 'follower' });
        break;
      case 'node-killed':
      case 'node-failed':
        nodes.set(event.node, { life: event.type === 'node-killed' ? 'dead' : 'failed', role: 'follower' });
        break;
      case 'node-paused':
        nodes.set(event.node, { life: 'paused', role: nodes.get(event.node)?.role ?? 'follower' });
        break;
      case 'node-resumed':
        nodes.set(event.node, { life: 'alive', role: nodes.get(event.node)?.role ?? 'follower' });
        break;
      case 'node-removed':
        nodes.delete(event.node);
        break;
      default:
        break;
    }
    const label = failureLabel(event, network);
    if (label) open.push({ seq: event.seq, time: event.time, label, lostAt: null });
    const leader = hasLeader();
    if (!leader && leaderlessSince === null) {
      leaderlessSince = event.time;
      for (const incident of open) incident.lostAt ??= event.time;
    }
    if (leader && leaderlessSince !== null) {
      // A leader again: every open incident that lost the leader recovers now.
      for (const incident of open.splice(0)) {
        done.push({ seq: incident.seq, time: incident.time, label: incident.label, rto: incident.lostAt === null ? 0 : event.time - Math.max(incident.time, leaderlessSince) });
      }
      leaderlessSince = null;
    } else if (leader && open.length > 0) {
      for (const incident of open.splice(0)) done.push({ seq: incident.seq, time: incident.time, label: incident.label, rto: 0 });
    }
  }
  for (const incident of open) done.push({ seq: incident.seq, time: incident.time, label: incident.label, rto: incident.lostAt === null && leaderlessSince === null ? 0 : null });
  return done.sort((a, b) => a.seq - b.seq);
}

export interface LostWrite {
  readonly key: string;
  readonly version: number;
  readonly value: string | null;
  readonly why: string;
}

/** Acknowledged writes the cluster no longer has: a later apply of the same key and version with a
 *  different value, or a most-advanced node whose key is behind the acknowledged version. */
export function lostWrites(events: readonly ClusterEvent[], head: ClusterView): LostWrite[] {
  const acked = new Map<string, { key: string; version: number; value: string | null; at: number }>();
  const lost: LostWrite[] = [];
  /** Last time each node applied each key: "has it applied this key since the ack?" in O(1). */
  const lastApply = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'kv-applied') lastApply.set(`${event.node}\u0000${event.key}`, event.time);
    if (event.type === 'client-op' && event.outcome === 'ok' && event.op !== 'get' && event.version !== null) {
      acked.set(`${event.key}@${event.version}`, { key: event.key, version: event.version, value: event.op === 'delete' ? null : event.value, at: event.end });
    }
    if (event.type === 'kv-applied') {
      const write = acked.get(`${event.key}@${event.version}`);
      if (write && event.time > write.at && write.value !== null && event.value !== null && event.value !== write.value) {
        lost.push({ key: write.key, version: write.version, value: write.value, why: `${event.node} applied version ${event.version} = ${event.value} instead` });
        acked.delete(`${event.key}@${event.version}`);
      }
    }
  }
  const alive = head.nodes.filter((node) => node.life === 'alive');
  const best = alive.find((node) => node.role === 'leader') ?? [...alive].sort((a, b) => b.applied - a.applied)[0];
  if (best) {
    for (const write of acked.values()) {
      const held = best.kv[write.key];
      if (write.value !== null && (!held || held.version < write.version) && best.applied > 0) {
        // Only count it once the node has applied past the write's acknowledgement.
        const hasLaterApplies = (lastApply.get(`${best.id}\u0000${write.key}`) ?? -Infinity) > write.at;
        if (hasLaterApplies) lost.push({ key: write.key, version: write.version, value: write.value, why: `${best.id} holds ${held ? `version ${held.version}` : 'no such key'}` });
      }
    }
  }
  return lost;
}

export interface SeriesPoint {
  readonly t: number;
  readonly v: number;
}

/** Commit latency of each acknowledged write (virtual ms). */
export function commitLatencies(events: readonly ClusterEvent[]): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const event of events) {
    if (event.type === 'client-op' && event.outcome === 'ok' && event.op !== 'get') points.push({ t: event.end, v: event.end - event.start });
  }
  return points;
}

/** Counts per bin of `binMs` over [from, to] for events matching `match`, per virtual second. */
export function ratePerSecond(events: readonly ClusterEvent[], from: number, to: number, bins: number, match: (event: ClusterEvent) => boolean): SeriesPoint[] {
  const span = Math.max(1, to - from);
  const width = span / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const event of events) {
    if (event.time < from || event.time > to || !match(event)) continue;
    counts[Math.min(bins - 1, Math.floor((event.time - from) / width))]! += 1;
  }
  return counts.map((count, i) => ({ t: from + (i + 0.5) * width, v: (count * 1000) / width }));
}
