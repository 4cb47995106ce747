// Disks written before the cluster starts, to begin a scenario from the state a paper figure
// draws: the in-memory counterpart of server/cluster/prepared-state.ts. Index 1 holds the bootstrap
// configuration of every node, as the core writes it; each later entry is a KV put whose value
// names its index and term ("3@t2"), so whichever entry wins is visible in every key table.
import { encodeCommand } from '../../kv/index.ts';
import { bootstrapChange, encodeConfChange, type Entry } from '../../raft/index.ts';
import type { MemoryDisk } from '../../node/memory-disk.ts';

export interface PreparedState {
  readonly term: number;
  /** Per node in roster order (n1, n2, …): the terms of its entries from index 2 on. */
  readonly logs: readonly (readonly number[])[];
  readonly key: string;
}

export function preparedDisk(disk: MemoryDisk, nodeIndex: number, nodes: readonly string[], prepared: PreparedState): void {
  const config: Entry = { index: 1, term: 1, type: 'config', data: encodeConfChange(bootstrapChange({ voters: [...nodes], learners: [], votersOutgoing: [] })) };
  const terms = prepared.logs[nodeIndex] ?? [];
  const entries: Entry[] = [config, ...terms.map((term, at) => preparedEntry(at + 2, term, prepared.key))];
  disk.entries = entries;
  disk.hardState = { term: Math.max(prepared.term, ...terms), vote: null, commit: 1 };
  disk.records = entries.length + 1;
}

function preparedEntry(index: number, term: number, key: string): Entry {
  return { index, term, type: 'normal', data: encodeCommand({ op: 'put', key, data: { value: `${index}@t${term}` }, time: 0 }) };
}
