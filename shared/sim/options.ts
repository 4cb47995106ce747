// Simulator options and the fault profile derived from them. Every number that shapes a run is
// here, so a replay command (seed + these options) reproduces it exactly.
import type { BugName } from '../raft/index.ts';
import type { ReadMode } from './client-load.ts';

export interface SimOptions {
  readonly seed: number;
  /** Cluster size (1–9). */
  readonly nodes: number;
  /** Ticks of the safety phase (faults on); the liveness phase follows. */
  readonly ticks: number;
  /** Bug switches of the core to turn on. */
  readonly bugs: readonly BugName[];
  /** false = no faults at all (a calm run: only client load). */
  readonly faults: boolean;
  /** How clients read (default 'linearizable': ReadIndex or leader lease). */
  readonly reads?: ReadMode;
  /** The fault mixes to lean toward (see faultProfile); default: those of the bugs switched on.
   *  Given on its own, it runs the correct core under exactly the faults that catch a bug. */
  readonly mix?: readonly BugName[];
  /** Draw disk faults too (shared/node/disk-fault.ts: slow, failing, full). Off by default, so a
   *  seed's schedule, and the coverage floors and bug catches measured on it, stay what they were. */
  readonly diskFaults?: boolean;
}

export const DEFAULT_OPTIONS: SimOptions = { seed: 1, nodes: 5, ticks: 600, bugs: [], faults: true };

/** Virtual milliseconds per tick (the lab's production timing is 10 ms ticks, elections 150–300 ms). */
export const TICK_MS = 10;
/** Ticks the liveness phase may take to elect a leader, converge and commit a new write. */
export const LIVENESS_TICKS = 400;

/** Per-tick probabilities and durations of the fault schedule. */
export interface FaultProfile {
  readonly crash: number;
  /** Chance that a leader crashes right after applying an entry of an earlier term (the moment
   *  Figure 8 is about; harmless for a correct core). */
  readonly crashAfterOldTermCommit: number;
  /** Per-tick chance of a membership change proposed to the leader. */
  readonly membership: number;
  /** Per-tick chance of crashing whichever node leads right now. */
  readonly crashLeader: number;
  /** Of crashes: the share that happens inside a Ready, before (or just after) persisting. */
  readonly crashInReady: number;
  readonly restartAfter: readonly [number, number];
  readonly partition: number;
  readonly isolateLeader: number;
  readonly partitionFor: readonly [number, number];
  readonly cutLink: number;
  readonly networkChange: number;
  readonly transfer: number;
  readonly maxLoss: number;
  readonly maxDuplicate: number;
  readonly maxReorder: number;
  /** Per-tick chance that an idle client starts an operation. */
  readonly clientRate: number;
  /** Per-tick chances of a disk fault on one node (0 unless the run draws disk faults): syncs
   *  slowed, the next sync failing with EIO (the node stops), the disk full (ENOSPC) for a while. */
  readonly diskSlow: number;
  readonly diskFailing: number;
  readonly diskFull: number;
  /** How long a slow or full disk stays so, in ticks. */
  readonly diskFaultFor: readonly [number, number];
  /** Per-tick chance of a bit flipped mid-log on a voter's disk (it crashes; its recovery refuses
   *  the log; it is removed from the configuration and given a new disk). Only before
   *  `corruptUntil`, so the repair is done before the liveness phase. */
  readonly diskCorrupt: number;
  readonly corruptUntil: number;
  /** Core protections; a bug that they would mask turns them off (correct either way). */
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
}

const STANDARD: FaultProfile = {
  crash: 0.006,
  crashLeader: 0.002,
  membership: 0.004,
  crashAfterOldTermCommit: 0.05,
  crashInReady: 0.5,
  restartAfter: [5, 80],
  partition: 0.004,
  isolateLeader: 0.003,
  partitionFor: [20, 150],
  cutLink: 0.004,
  networkChange: 0.004,
  transfer: 0.002,
  maxLoss: 0.25,
  maxDuplicate: 0.15,
  maxReorder: 0.3,
  clientRate: 0.1,
  diskSlow: 0,
  diskFailing: 0,
  diskFull: 0,
  diskFaultFor: [20, 150],
  diskCorrupt: 0,
  corruptUntil: 0,
  preVote: true,
  checkQuorum: true,
};

/** The disk faults a --disk-faults run draws, on top of the standard mix. */
const DISK_FAULTS = { diskSlow: 0.003, diskFailing: 0.004, diskFull: 0.004, diskCorrupt: 0.002 } as const;
/** Ticks a corrupted node's repair may take (its removal through the leader, a new disk). */
const CORRUPT_REPAIR_TICKS = 250;

const CALM: FaultProfile = { ...STANDARD, crash: 0, crashLeader: 0, membership: 0, crashAfterOldTermCommit: 0, partition: 0, isolateLeader: 0, cutLink: 0, networkChange: 0, transfer: 0 };

/** The bug mixes a run leans toward: `mix` if given, else the bugs switched on. */
export function mixOf(options: SimOptions): readonly BugName[] {
  return options.mix ?? options.bugs;
}

/**
 * Some bugs only show under a particular mix of faults; a run with such a bug switched on leans
 * the schedule that way (the checkers stay the same). Without bugs the standard mix is used. The
 * mix can also be chosen without the bug (`mix`), so the correct core meets the same faults.
 */
export function faultProfile(options: SimOptions): FaultProfile {
  if (!options.faults) return CALM;
  let profile = options.diskFaults ? { ...STANDARD, ...DISK_FAULTS, corruptUntil: options.ticks - CORRUPT_REPAIR_TICKS } : STANDARD;
  for (const bug of mixOf(options)) {
    switch (bug) {
      case 'ackBeforePersist':
        // The lost promise needs a crash between sending and persisting, soon after a vote or ack.
        profile = { ...profile, crash: 0.03, crashInReady: 0.95, restartAfter: [1, 10] };
        break;
      case 'forgetVoteOnRestart':
        // A node must restart within the term it voted in and be asked again: quick restarts amid elections.
        profile = { ...profile, crash: 0.03, restartAfter: [1, 8], isolateLeader: 0.01, crashInReady: 0.3 };
        break;
      case 'commitByCounting':
        // Figure 8: leaders change while older-term entries sit on a bare majority.
        // Pre-vote and check-quorum make the needed term churn rare, so they are off.
        profile = { ...profile, crash: 0.01, crashLeader: 0.03, isolateLeader: 0.01, partition: 0.008, restartAfter: [3, 30], preVote: false, checkQuorum: false, clientRate: 0.3, membership: 0, crashAfterOldTermCommit: 0.5 };
        break;
      case 'grantVoteWithoutLogCheck':
        // A node that missed commits must campaign: isolate nodes for a while, then heal.
        profile = { ...profile, partition: 0.01, isolateLeader: 0.01, partitionFor: [30, 120], crash: 0.01 };
        break;
    }
  }
  return profile;
}
