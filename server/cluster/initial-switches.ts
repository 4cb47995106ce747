// The protections and bug switches a new cluster's nodes start with: pre-vote and check-quorum
// on and no bug, unless the cluster was made with others (a scenario, a fork's settings, a test).
import { noBugs, type BugName, type Switches } from '../../shared/raft/index.ts';

export interface SwitchChoice {
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly bugs?: readonly BugName[];
}

export const DEFAULT_SWITCHES: Switches = { preVote: true, checkQuorum: true, forwardProposals: false, bugs: noBugs() };

export function initialSwitches(choice: SwitchChoice | undefined): Switches {
  if (!choice) return DEFAULT_SWITCHES;
  const bugs = noBugs();
  for (const bug of choice.bugs ?? []) bugs[bug] = true;
  return {
    ...DEFAULT_SWITCHES,
    ...(choice.preVote !== undefined ? { preVote: choice.preVote } : {}),
    ...(choice.checkQuorum !== undefined ? { checkQuorum: choice.checkQuorum } : {}),
    bugs,
  };
}
