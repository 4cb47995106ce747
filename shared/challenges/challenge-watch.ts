// Detects the challenges of catalog.ts from what really happened: the events a cluster streams and
// the view they fold into, the same the page and the liveness watch read. Pure: no clock of its own,
// the host feeds it every event after it was folded, and it says which challenge each one solved
// and with what evidence, in words a student can check against the event feed.
import { leaderHasQuorum } from '../check/stall-diagnosis.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import type { ClusterView, NodeStatus } from '../protocol/views.ts';
import type { ChallengeId } from './catalog.ts';

export interface ChallengeSolved {
  readonly id: ChallengeId;
  /** What the lab saw, e.g. "n3 answered k1 with version 1 after version 2 was acknowledged". */
  readonly detail: string;
}

/** A membership change counts as keeping the cluster available if a write is acknowledged this soon after it. */
const AVAILABLE_WITHIN_MS = 5_000;
/** Candidacies of cut-off nodes remembered, by term (a flapping node campaigns once per timeout). */
const MAX_CANDIDACIES = 500;
/** Keys whose last acknowledged write is remembered for the read challenges. */
const MAX_KEYS = 10_000;

interface Acknowledged {
  readonly version: number;
  /** Sequence number of its client-op: a read invoked (client-call) after it must see it. Times
   *  cannot say: in virtual time a write and the next read can share one instant. */
  readonly seq: number;
}

export class ChallengeWatch {
  private readonly solved = new Set<ChallengeId>();
  private readonly acknowledged = new Map<string, Acknowledged>();
  /** opId → sequence number of its client-call, until it returns. */
  private readonly invokedAt = new Map<number, number>();
  /** term → the node that campaigned in it while it could not reach a majority. */
  private readonly cutOffCandidacies = new Map<number, string>();
  private readonly roles = new Map<string, Pick<NodeStatus, 'role' | 'term' | 'commit'>>();
  /** Nodes join the roster as a cluster is made: only a change after a leader was seen counts. */
  private sawLeader = false;
  private membershipChange: { readonly at: number; readonly what: string } | null = null;
  /** Sequence number of the last failure a person made (a kill, a pause, a network change). */
  private lastFailureSeq = 0;
  private stuckSinceChange = false;

  constructor(alreadySolved: Iterable<string> = []) {
    for (const id of alreadySolved) this.solved.add(id as ChallengeId);
  }

  /** Feeds one event, after it was folded into `view`; returns what it solved (each challenge once). */
  observe(event: ClusterEvent, view: ClusterView): ChallengeSolved[] {
    const found = this.detect(event, view).filter((solved) => !this.solved.has(solved.id));
    for (const solved of found) this.solved.add(solved.id);
    return found;
  }

  private detect(event: ClusterEvent, view: ClusterView): ChallengeSolved[] {
    switch (event.type) {
      case 'violation':
        return event.invariant === 'election-safety' ? [{ id: 'two-leaders-one-term', detail: event.explanation }] : [];
      case 'snapshot':
        return event.source === 'leader' ? [{ id: 'install-snapshot', detail: `${event.node} installed the leader’s snapshot up to index ${event.index} (term ${event.term}).` }] : [];
      case 'node-status':
        return this.onStatus(event.node, event.status, view);
      case 'node-added':
      case 'node-removed':
        if (!this.sawLeader) return [];
        this.membershipChange = { at: event.time, what: `${event.node} ${event.type === 'node-added' ? 'joined' : 'left'}` };
        this.stuckSinceChange = false;
        return [];
      case 'liveness':
        if (event.liveness.state === 'stuck') this.stuckSinceChange = true;
        return [];
      case 'kv-reset':
        // A restore puts older values back on purpose: nothing acknowledged before it is "lost".
        if (event.reason === 'restore') this.acknowledged.clear();
        return [];
      case 'node-wiped':
        this.acknowledged.clear(); // wiping disks throws data away on purpose
        return [];
      case 'node-killed':
      case 'node-paused':
      case 'node-failed':
      case 'network':
        this.lastFailureSeq = event.seq;
        return [];
      case 'client-call':
        this.invokedAt.set(event.opId, event.seq);
        if (this.invokedAt.size > MAX_KEYS) this.invokedAt.delete(this.invokedAt.keys().next().value!);
        return [];
      case 'client-op':
        return this.onClientOp(event, view);
      default:
        return [];
    }
  }

  private onStatus(node: string, status: Pick<NodeStatus, 'role' | 'term' | 'commit'>, view: ClusterView): ChallengeSolved[] {
    const before = this.roles.get(node);
    if (status.role === 'leader') this.sawLeader = true;
    this.roles.set(node, { role: status.role, term: status.term, commit: status.commit });
    const found: ChallengeSolved[] = [];
    if (status.role === 'candidate' && !leaderHasQuorum(view, node)) {
      this.cutOffCandidacies.set(status.term, node);
      if (this.cutOffCandidacies.size > MAX_CANDIDACIES) this.cutOffCandidacies.delete(this.cutOffCandidacies.keys().next().value!);
    }
    // A leader deposed by a term that a cut-off node ran up campaigning on its own (its first
    // campaign after the heal may add one more: the leader steps down to that one).
    if (before?.role === 'leader' && status.role !== 'leader' && status.term > before.term) {
      const disruption = [...this.cutOffCandidacies].find(([term, candidate]) => candidate !== node && term > before.term && term <= status.term);
      if (disruption !== undefined) {
        const [term, disruptor] = disruption;
        found.push({ id: 'disruptive-rejoin', detail: `${node}, leader of term ${before.term}, stepped down to term ${status.term}: ${disruptor} had run its term up past ${before.term} (to ${term} and more) campaigning while it was cut off from the majority.` });
      }
    }
    // A new leader commits while an older one, unable to reach a majority, still thinks it leads.
    if (status.role === 'leader' && before?.role === 'leader' && before.term === status.term && status.commit > before.commit) {
      const stale = view.nodes.find((other) => other.id !== node && other.life === 'alive' && other.role === 'leader' && other.term < status.term && !leaderHasQuorum(view, other.id));
      if (stale) {
        found.push({ id: 'commit-while-old-leader-isolated', detail: `${node} committed up to index ${status.commit} in term ${status.term} while ${stale.id}, cut off, still believed it led term ${stale.term}.` });
      }
    }
    return found;
  }

  private onClientOp(op: Extract<ClusterEvent, { type: 'client-op' }>, view: ClusterView): ChallengeSolved[] {
    const invoked = this.invokedAt.get(op.opId);
    this.invokedAt.delete(op.opId);
    if (op.linKv) return []; // a foreign cluster's lin-kv answers carry no versions
    if (op.op !== 'get') {
      if (op.outcome !== 'ok') {
        // A write that may have happened makes the key's next reads ambiguous: forget it.
        if (op.outcome === 'unknown') this.acknowledged.delete(op.key);
        return [];
      }
      if (op.op === 'delete' || op.version === null) this.acknowledged.delete(op.key);
      else this.remember(op.key, { version: op.version, seq: op.seq });
      return this.onWriteAcknowledged(op.end, invoked, view);
    }
    if (op.outcome !== 'ok') return [];
    const acked = this.acknowledged.get(op.key);
    const read = op.version ?? 0;
    // Only a write acknowledged before the read was invoked must be visible to it.
    if (acked === undefined || invoked === undefined || acked.seq >= invoked || read >= acked.version) return [];
    const what = `version ${read === 0 ? '0 (absent)' : read} of ${op.key} after version ${acked.version} had been acknowledged`;
    const servedBy = op.node === null ? undefined : view.nodes.find((node) => node.id === op.node);
    if (op.consistency === 'stale' && servedBy !== undefined && servedBy.role !== 'leader') {
      return [{ id: 'stale-read', detail: `${servedBy.id}, a follower, answered a stale read with ${what}.` }];
    }
    const bugsOn = Object.values(view.switches?.bugs ?? {}).some(Boolean);
    if (op.consistency !== 'stale' && bugsOn) {
      return [{ id: 'acknowledged-write-lost', detail: `A ${op.consistency ?? 'linearizable'} read got ${what}: the cluster lost an acknowledged write.` }];
    }
    return [];
  }

  private onWriteAcknowledged(at: number, invoked: number | undefined, view: ClusterView): ChallengeSolved[] {
    const found: ChallengeSolved[] = [];
    const change = this.membershipChange;
    if (change !== null && at - change.at <= AVAILABLE_WITHIN_MS && !this.stuckSinceChange) {
      found.push({ id: 'membership-stays-available', detail: `${change.what} and a write was acknowledged ${((at - change.at) / 1000).toFixed(1)} s later, the cluster never stuck.` });
      this.membershipChange = null;
    }
    // This runs for every acknowledged write on the server's main thread: only look closer once
    // something has failed (reachability builds the network's model), and never once solved.
    if (this.solved.has('one-failure-unavailable') || !anyFailure(view)) return found;
    // And the write was sent after the failure: one in flight before it proves nothing.
    const sentAfter = invoked !== undefined && invoked > this.lastFailureSeq;
    if (!sentAfter || view.nodes.length < 3) return found;
    // Away by the student's hand: killed, paused, failed or cut off (not reaching a majority both
    // ways: the leader's test, which holds for any node). A node still starting is not a failure.
    const away = view.nodes.filter((node) => node.life !== 'alive' || !leaderHasQuorum(view, node.id));
    if (away.length === 1 && away[0]!.life !== 'starting') {
      found.push({ id: 'one-failure-unavailable', detail: `With ${away[0]!.id} ${away[0]!.life === 'alive' ? 'cut off' : away[0]!.life}, the other ${view.nodes.length - 1} of ${view.nodes.length} still committed a write.` });
    }
    return found;
  }

  private remember(key: string, acked: Acknowledged): void {
    this.acknowledged.delete(key);
    this.acknowledged.set(key, acked);
    if (this.acknowledged.size > MAX_KEYS) this.acknowledged.delete(this.acknowledged.keys().next().value!);
  }
}

/** Whether anything is down or any link cut or fully lossy: cheap, from the view alone. */
function anyFailure(view: ClusterView): boolean {
  if (view.nodes.some((node) => node.life !== 'alive')) return true;
  const network = view.network;
  if (network === null) return false;
  return network.cuts.length > 0 || network.partition !== null || network.defaults.loss >= 1 || network.links.some((link) => (link.settings.loss ?? 0) >= 1);
}
