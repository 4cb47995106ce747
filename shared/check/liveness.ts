// Liveness, watched as it happens. Safety says nothing bad happens; a cluster can keep every safety
// rule and still never serve again (TigerBeetle found an asymmetric-partition livelock only in a
// liveness mode). The watch demands that, within a bound of election timeouts after the last change
// to the cluster (a kill, a restart, a cut, a heal, a switch), a leader takes office, commits in
// its own term, keeps it, and can reach a majority. When the bound passes without that, it says why
// in plain words from what it sees (stall-diagnosis.ts). Pure: the host feeds it the events it
// streams and the view they fold into, and asks it at times it chooses (virtual time in both worlds).
import type { ClusterEvent } from '../protocol/events.ts';
import type { ClusterView, LivenessView, NodeView } from '../protocol/views.ts';
import { diagnoseStall, leaderHasQuorum, type Campaign } from './stall-diagnosis.ts';

export interface LivenessBounds {
  /** One (base) election timeout, in virtual ms. */
  readonly electionTimeoutMs: number;
  /** Election timeouts after the last change by which a leader must be settled (default 10). */
  readonly boundTimeouts?: number;
}

/** Events that change what the cluster can do: each starts the bound again. */
const CHANGES = new Set<ClusterEvent['type']>([
  'node-starting', 'node-killed', 'node-failed', 'node-paused', 'node-resumed', 'node-wiped', 'node-added', 'node-removed',
  'network', 'bus-hold', 'switches',
]);
/** Campaigns remembered for the diagnosis (a flapping node campaigns once per election timeout). */
const MAX_CAMPAIGNS = 200;

interface Office {
  readonly node: string;
  readonly term: number;
  /** When this leader was first seen in office. */
  readonly since: number;
}

export class LivenessWatch {
  private changedAt = 0;
  private office: Office | null = null;
  private readonly campaigns: Campaign[] = [];
  private readonly lastTerm = new Map<string, number>();
  private shown: LivenessView | null = null;
  private readonly boundMs: number;
  /** A leader must keep its term this long to count: longer than any node's randomized timeout. */
  private readonly stableMs: number;

  constructor(bounds: LivenessBounds) {
    this.boundMs = (bounds.boundTimeouts ?? 10) * bounds.electionTimeoutMs;
    this.stableMs = 3 * bounds.electionTimeoutMs;
  }

  /** Feeds one event, after it was folded into the view. */
  observe(event: ClusterEvent): void {
    if (CHANGES.has(event.type)) this.changedAt = event.time;
    if (event.type === 'node-status') this.onStatus(event.node, event.status.role, event.status.term, event.time);
    if ((event.type === 'node-killed' || event.type === 'node-failed' || event.type === 'node-paused' || event.type === 'node-wiped' || event.type === 'node-removed') && this.office?.node === event.node) {
      this.office = null;
    }
  }

  /** The watch's verdict now; null when it is the one shown last (so the host emits changes only). */
  check(now: number, view: ClusterView): LivenessView | null {
    const next = this.verdict(now, view);
    const shown = this.shown;
    if (shown && shown.state === next.state && shown.explanation === next.explanation) return null;
    this.shown = next;
    return next;
  }

  private verdict(now: number, view: ClusterView): LivenessView {
    const leader = this.settledLeader(now, view);
    if (leader) return this.keep('holds', now, `${leader.id} leads term ${leader.term} with a majority, and commits.`);
    const waited = now - this.changedAt;
    if (waited < this.boundMs) {
      return this.keep('waiting', now, `No settled leader yet, ${seconds(waited)} after the last change (the bound is ${seconds(this.boundMs)}).`);
    }
    const recent = this.campaigns.filter((campaign) => campaign.time >= now - this.boundMs);
    const why = diagnoseStall(view, { campaigns: recent, windowMs: Math.min(waited, this.boundMs) });
    return this.keep('stuck', now, `No leader settled within ${seconds(this.boundMs)} of the last change. ${why}`);
  }

  /** Keeps `since` while the state stays the same (the page says for how long). */
  private keep(state: LivenessView['state'], now: number, explanation: string): LivenessView {
    const since = this.shown?.state === state ? this.shown.since : now;
    return { state, since, explanation };
  }

  private settledLeader(now: number, view: ClusterView): NodeView | null {
    const office = this.office;
    if (!office || now - office.since < this.stableMs) return null;
    const node = view.nodes.find((candidate) => candidate.id === office.node);
    if (!node || node.life !== 'alive' || node.role !== 'leader' || node.term !== office.term) return null;
    if (!committedInOwnTerm(node)) return null;
    return leaderHasQuorum(view, node.id) ? node : null;
  }

  private onStatus(node: string, role: string, term: number, time: number): void {
    const before = this.lastTerm.get(node) ?? 0;
    this.lastTerm.set(node, term);
    if (role === 'candidate' && term > before) {
      this.campaigns.push({ node, term, time });
      if (this.campaigns.length > MAX_CAMPAIGNS) this.campaigns.splice(0, this.campaigns.length - MAX_CAMPAIGNS);
    }
    const office = this.office;
    if (role === 'leader') {
      if (!office || (term >= office.term && !(office.node === node && office.term === term))) this.office = { node, term, since: time };
    } else if (office && office.node === node) {
      this.office = null;
    }
  }
}

/** Raft's rule: a leader may count replicas only for entries of its own term (its no-op first). */
function committedInOwnTerm(node: NodeView): boolean {
  return node.log.some((entry) => entry.term === node.term && entry.index <= node.commit);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
