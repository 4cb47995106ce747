// Runtime switches: protections a teacher may turn off, and bugs a teacher may turn on.

/** Named bugs that make the core wrong on purpose, so checkers and the UI can show what a rule prevents. */
export type BugName = 'commitByCounting' | 'forgetVoteOnRestart' | 'ackBeforePersist' | 'grantVoteWithoutLogCheck';

/** One plain-English line per bug, shown next to the toggle in the UI. */
export const BUG_NAMES: Readonly<Record<BugName, string>> = {
  commitByCounting:
    "The leader commits an entry from an older term as soon as a majority stores it (Figure 8): a later leader may overwrite a 'committed' entry.",
  forgetVoteOnRestart:
    'A restarted node forgets whom it voted for in its current term, so it can vote twice in one term and two leaders can be elected.',
  ackBeforePersist:
    'Votes and append acknowledgements are sent before the promised state reaches the disk, so a crash can take back a promise.',
  grantVoteWithoutLogCheck:
    "Votes are granted without checking that the candidate's log is at least as up to date, so a leader may lack committed entries.",
};

export const ALL_BUGS = Object.keys(BUG_NAMES) as BugName[];

/** Protections that are correct either way but make the cluster more available; each can be switched off. */
export interface Protections {
  /** Ask "would you vote for me?" before raising the term (thesis 9.6): a rejoining node cannot disrupt. */
  readonly preVote: boolean;
  /** A leader steps down without a quorum for an election timeout; followers ignore votes while they
   *  hear from a leader (etcd's inLease). Also a precondition for lease reads. */
  readonly checkQuorum: boolean;
  /** A follower forwards proposals to the leader instead of refusing them with a hint. */
  readonly forwardProposals: boolean;
}

export interface Switches extends Protections {
  readonly bugs: Readonly<Record<BugName, boolean>>;
}

/** A partial update for setSwitches(). */
export interface SwitchChange {
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly forwardProposals?: boolean;
  readonly bugs?: Partial<Record<BugName, boolean>>;
}

export function noBugs(): Record<BugName, boolean> {
  return { commitByCounting: false, forgetVoteOnRestart: false, ackBeforePersist: false, grantVoteWithoutLogCheck: false };
}

export function applySwitchChange(current: Switches, change: SwitchChange): Switches {
  return {
    preVote: change.preVote ?? current.preVote,
    checkQuorum: change.checkQuorum ?? current.checkQuorum,
    forwardProposals: change.forwardProposals ?? current.forwardProposals,
    bugs: { ...current.bugs, ...withoutUndefined(change.bugs ?? {}) },
  };
}

function withoutUndefined(bugs: Partial<Record<BugName, boolean>>): Partial<Record<BugName, boolean>> {
  const out: Partial<Record<BugName, boolean>> = {};
  for (const name of ALL_BUGS) {
    const value = bugs[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
