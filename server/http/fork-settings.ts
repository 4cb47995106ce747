// A fork starts empty but behaves like its source: the same profile, clock speed, protections, bug
// switches and network (shared/protocol/fork-settings.ts), and unless the request says otherwise the
// same size and implementation. Settings the fork cannot take are skipped and counted: one that
// names a node it does not have (the source grew or shrank, or the request asked for fewer nodes),
// or switches for nodes that are not our core.
import type { ForkClusterRequest } from '../../shared/protocol/clusters.ts';
import { MAX_NODES } from '../../shared/protocol/commands.ts';
import type { SettingCommand } from '../../shared/protocol/fork-settings.ts';
import type { Cluster } from '../cluster/cluster.ts';
import type { LabSession, NewCluster } from '../cluster-registry.ts';

/** What the registry makes for a fork of `source`. The implementation is a name the registry
 *  resolves against the operator's list (an unknown one is its 400), never a command. */
export function forkRequest(source: LabSession, body: ForkClusterRequest): NewCluster {
  return {
    nodes: body.nodes ?? Math.min(MAX_NODES, Math.max(1, source.cluster.nodeIds().length)),
    profile: source.profile,
    forkedFrom: source.name,
    publicValues: source.publicValues,
    implementation: body.implementation ?? source.implementation,
    ...(body.name ? { name: body.name } : {}),
  };
}

/** Applies settings to a fresh cluster; returns how many could not be applied. */
export async function applySettings(settings: readonly SettingCommand[], target: Cluster): Promise<number> {
  let skipped = 0;
  for (const command of settings) {
    const result = await target.execute(command).catch(() => ({ ok: false }));
    if (!result.ok) skipped += 1;
  }
  return skipped;
}
