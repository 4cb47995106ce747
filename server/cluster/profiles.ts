// Timing profiles. Both run the same Raft timing in virtual time (a 10 ms tick, heartbeats every
// 50 ms, elections after 150–300 ms, as production etcd/Consul defaults); they differ in how fast
// virtual time runs and how long the network takes, so a person can follow a teaching cluster.
// Production also snapshots less often: encoding the whole store every 1,000 writes was a tenth
// of each node's time under load (etcd snapshots every 10,000 entries or more); a teaching cluster
// compacts at 1,000 so a class sees it happen.
export type ProfileName = 'teaching' | 'production';

export interface Profile {
  readonly name: ProfileName;
  /** Virtual ms per real ms when the cluster starts. */
  readonly speed: number;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** One-way network latency and jitter in virtual ms. */
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** Compaction: a node snapshots its state machine once this many entries applied since the last. */
  readonly snapshotEntries: number;
  /** Entries kept in the log behind a snapshot, so a follower a little behind still gets entries. */
  readonly snapshotTrailing: number;
  /** A new cluster's n1 (its only voter) campaigns at once rather than after an election timeout
   *  (shared/node/protocol.ts): production starts fast; teaching shows the timer run out. */
  readonly campaignAtBootstrap: boolean;
}

export const PROFILES: Record<ProfileName, Profile> = {
  production: { name: 'production', speed: 1, tickMs: 10, electionTicks: 15, heartbeatTicks: 5, latencyMs: 0, jitterMs: 0, snapshotEntries: 10_000, snapshotTrailing: 5000, campaignAtBootstrap: true },
  // At 0.1× an election timeout lasts 1.5–3 s of real time and a message flies for ~0.3 s.
  teaching: { name: 'teaching', speed: 0.1, tickMs: 10, electionTicks: 15, heartbeatTicks: 5, latencyMs: 25, jitterMs: 10, snapshotEntries: 1000, snapshotTrailing: 50, campaignAtBootstrap: false },
};

/**
 * When one node compacts: its threshold, staggered per node by up to 30 %, and the entries it keeps
 * behind the snapshot (at most half the threshold). Nodes compacting at the same index would all
 * stop for the encoding at once (a store of 16,000 keys with 10 versions each is ~25 MB); staggered,
 * the others keep committing, and with etcd's 5,000 trailing entries a follower that paused to
 * compact catches up from the log instead of needing the leader's whole snapshot.
 */
export function compactionFor(node: string, threshold: number, profile: Profile): { snapshotThreshold: number; snapshotTrailing: number } {
  const number = Number(/\d+$/.exec(node)?.[0] ?? 0);
  const stagger = (number * 0.618034) % 1; // golden-ratio steps: neighbours land far apart
  return {
    snapshotThreshold: threshold + Math.floor(threshold * 0.3 * stagger),
    snapshotTrailing: Math.min(profile.snapshotTrailing, Math.floor(threshold / 2)),
  };
}
