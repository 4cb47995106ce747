// Disks written before a cluster starts, to begin a scenario from the state a paper figure draws
// (Figure 7's divergent followers, Figure 8's terms 2 and 3), for both hosts: the lab persists the
// batch through a node's real storage, the simulator through its memory disk. Index 1 holds the
// bootstrap configuration of every node, as the core writes it; each later entry is a KV put whose
// value names its index and term ("3@t2"), so whichever entry wins is visible in every key table.
import { encodeCommand } from '../kv/commands.ts';
import { bootstrapChange, encodeConfChange } from '../raft/index.ts';
import type { Entry, HardState } from '../raft/types.ts';

export interface PreparedState {
  /** Every node's current term (no vote). */
  readonly term: number;
  /** Per node in roster order (n1, n2, …): the terms of its entries from index 2 on. */
  readonly logs: readonly (readonly number[])[];
  /** The key the entries write. */
  readonly key: string;
}

/** What the node at `nodeIndex` of `nodes` has on its disk before it first starts. */
export function preparedBatch(nodes: readonly string[], nodeIndex: number, prepared: PreparedState): { entries: Entry[]; hardState: HardState } {
  const config: Entry = { index: 1, term: 1, type: 'config', data: encodeConfChange(bootstrapChange({ voters: [...nodes], learners: [], votersOutgoing: [] })) };
  const terms = prepared.logs[nodeIndex] ?? [];
  const entries: Entry[] = [config, ...terms.map((term, at) => preparedEntry(at + 2, term, prepared.key))];
  return { entries, hardState: { term: Math.max(prepared.term, ...terms), vote: null, commit: 1 } };
}

function preparedEntry(index: number, term: number, key: string): Entry {
  return { index, term, type: 'normal', data: encodeCommand({ op: 'put', key, data: { value: `${index}@t${term}` }, time: 0 }) };
}
