// What /metrics counts from one cluster's event stream and disk reports since the cluster was
// made (the rest it reads from the cluster's view at scrape time): messages each node sent, the
// leader changes each node saw, proposals that failed, and the fsync and round-trip observations
// the histograms take.
import type { LabSession } from '../cluster-registry.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import type { PersistedBatches } from '../cluster/report-intake.ts';
import { RoundTrips } from './round-trip.ts';

export interface TrackerSinks {
  fsync(node: string, seconds: number): void;
  roundTrip(from: string, to: string, seconds: number): void;
}

export class ClusterTracker {
  readonly sent = new Map<string, number>();
  readonly leaderChanges = new Map<string, number>();
  readonly failedProposals = new Map<string, number>();
  /** The leader each node last reported, null included (etcd counts a change to a new leader). */
  private readonly lastLeader = new Map<string, string | null>();
  private readonly roundTrips: RoundTrips;
  private readonly stops: Array<() => void>;

  constructor(session: LabSession, sinks: TrackerSinks) {
    this.roundTrips = new RoundTrips(sinks.roundTrip);
    const { cluster } = session;
    this.stops = [
      cluster.events.subscribe((event) => this.onEvent(event)),
      cluster.disk.onPersisted((node, persisted) => observeBatches(node, persisted, sinks)),
    ];
  }

  stop(): void {
    for (const stop of this.stops) stop();
  }

  private onEvent(event: ClusterEvent): void {
    this.roundTrips.onEvent(event);
    if (event.type === 'message-sent') {
      bump(this.sent, event.message.from);
    } else if (event.type === 'node-status') {
      // As etcd's raft node does: a change counts when the node now follows a leader it did not.
      const leader = event.status.leader;
      if (leader !== null && leader !== (this.lastLeader.get(event.node) ?? null)) bump(this.leaderChanges, event.node);
      this.lastLeader.set(event.node, leader);
    } else if (event.type === 'client-op' && event.op !== 'get' && event.outcome !== 'ok' && !event.detail.includes('check-and-set parameter did not match')) {
      // A write that did not commit (no leader, no quorum, timed out). A check-and-set refusal is a
      // proposal that committed and was refused by the state machine: not a failed proposal.
      bump(this.failedProposals, event.node ?? 'none');
    }
  }
}

/** One observation per fdatasync batch. A report covering several batches says only their total
 *  time, so each is observed at the mean (rare: a node's turn usually syncs once). */
function observeBatches(node: string, persisted: PersistedBatches, sinks: TrackerSinks): void {
  if (persisted.batches <= 0) return;
  const seconds = persisted.fsyncMs / persisted.batches / 1000;
  for (let batch = 0; batch < persisted.batches; batch++) sinks.fsync(node, seconds);
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
