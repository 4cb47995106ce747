// A scenario's prepared disks (shared/host/prepared-state.ts), written through each node's real
// storage before the cluster's workers start.
import { join } from 'node:path';
import { preparedBatch, type PreparedState } from '../../shared/host/prepared-state.ts';
import { NodeStorage } from './storage/index.ts';

export function writePreparedState(clusterDir: string, nodes: readonly string[], prepared: PreparedState): void {
  nodes.forEach((node, i) => {
    const { storage } = NodeStorage.open(join(clusterDir, node));
    storage.persist(preparedBatch(nodes, i, prepared));
    storage.close();
  });
}
