// Disks written before a cluster starts, to begin a scenario from the state a paper figure draws
// (Figure 7's divergent followers, Figure 8's terms 2 and 3). Index 1 holds the bootstrap
// configuration of every node, as the core writes it; each later entry is a KV put whose value
// names its index and term, so whichever entry wins is visible in every node's key table.
import { join } from 'node:path';
import { bootstrapChange, encodeConfChange } from '../../shared/raft/index.ts';
import type { Entry } from '../../shared/raft/types.ts';
import { encodeCommand } from '../../shared/kv/commands.ts';
import { NodeStorage } from './storage/index.ts';

export interface PreparedState {
  /** Every node's current term (no vote). */
  readonly term: number;
  /** Per node in roster order (n1, n2, …): the terms of its entries from index 2 on. */
  readonly logs: readonly (readonly number[])[];
  /** The key the entries write. */
  readonly key: string;
}

export function writePreparedState(clusterDir: string, nodes: readonly string[], prepared: PreparedState): void {
  const config: Entry = {
    index: 1,
    term: 1,
    type: 'config',
    data: encodeConfChange(bootstrapChange({ voters: [...nodes], learners: [], votersOutgoing: [] })),
  };
  nodes.forEach((node, i) => {
    const terms = prepared.logs[i] ?? [];
    const entries: Entry[] = [config, ...terms.map((term, at) => preparedEntry(at + 2, term, prepared.key))];
    const { storage } = NodeStorage.open(join(clusterDir, node));
    storage.persist({ entries, hardState: { term: Math.max(prepared.term, ...terms), vote: null, commit: 1 } });
    storage.close();
  });
}

function preparedEntry(index: number, term: number, key: string): Entry {
  return { index, term, type: 'normal', data: encodeCommand({ op: 'put', key, data: { value: `${index}@t${term}` }, time: 0 }) };
}
