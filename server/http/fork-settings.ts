// A fork starts empty but behaves like its source: the same profile, clock speed, protections, bug
// switches and network (defaults, per-link settings, cuts and partition), and unless the request
// says otherwise the same size and implementation. Settings the fork cannot take are skipped and
// counted: one that names a node it does not have (the source grew or shrank, or the request asked
// for fewer nodes), or switches for nodes that are not our core.
import type { ForkClusterRequest } from '../../shared/protocol/clusters.ts';
import { MAX_NODES, type Command } from '../../shared/protocol/commands.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
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

export function settingsCommands(source: ClusterView): Command[] {
  const commands: Command[] = [];
  if (source.clock.speed !== 1 || source.clock.paused) commands.push({ type: 'clock', speed: source.clock.speed, paused: source.clock.paused });
  if (source.switches) {
    commands.push({ type: 'switches', preVote: source.switches.preVote, checkQuorum: source.switches.checkQuorum, bugs: { ...source.switches.bugs } });
  }
  const network = source.network;
  if (network) {
    commands.push({ type: 'network', settings: { ...network.defaults } });
    for (const link of network.links) commands.push({ type: 'network', settings: { ...link.settings }, from: link.from, to: link.to });
    for (const cut of network.cuts) commands.push({ type: 'cut-link', from: cut.from, to: cut.to, direction: 'one-way' });
    if (network.partition) commands.push({ type: 'partition', groups: network.partition.map((group) => [...group]) });
  }
  return commands;
}

/** Applies the source's settings to a fresh cluster; returns how many could not be applied. */
export async function copySettings(source: ClusterView, target: Cluster): Promise<number> {
  let skipped = 0;
  for (const command of settingsCommands(source)) {
    const result = await target.execute(command).catch(() => ({ ok: false }));
    if (!result.ok) skipped += 1;
  }
  return skipped;
}
