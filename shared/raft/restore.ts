// What a node rebuilds from its disk at start: pure computations over plain data, kept apart from
// the state machine in raft.ts.
import { bootstrapChange, encodeConfChange } from './config.ts';
import type { Entry, MembershipConfig } from './types.ts';

/** The contiguous run of stored entries right after `lastIndex`: entries a snapshot already covers
 *  are not needed, and a gap ends the run (nothing after a hole can be trusted as the log). */
export function contiguousAfter(entries: readonly Entry[], lastIndex: number): Entry[] {
  const run: Entry[] = [];
  for (const e of entries) {
    if (e.index <= lastIndex) continue;
    if (e.index !== lastIndex + run.length + 1) break;
    run.push(e);
  }
  return run;
}

/** Every initial member writes the same first entry (index 1, term 1) adding the initial config, so
 *  the configuration is in the log and nodes added later learn it from there. */
export function bootstrapEntry(initial: MembershipConfig): Entry {
  const sorted: MembershipConfig = { voters: [...initial.voters].sort(), learners: [...initial.learners].sort(), votersOutgoing: [] };
  return { index: 1, term: 1, type: 'config', data: encodeConfChange(bootstrapChange(sorted)) };
}
