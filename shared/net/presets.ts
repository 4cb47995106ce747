// Partition shapes a teacher reaches for. Pure functions over node lists; NetworkModel applies them.
import { NetworkSettingsError, type NodeId } from './settings.ts';

/** One node alone, everyone else together: the node can neither win nor hear an election. */
export function isolateGroups(node: NodeId, nodes: readonly NodeId[]): NodeId[][] {
  if (!nodes.includes(node)) throw new NetworkSettingsError(`cannot isolate ${node}: it is not one of ${nodes.join(', ')}`);
  return [[node], nodes.filter((n) => n !== node)];
}

/**
 * A majority and a minority. With no `minority` given, the last ⌊(n-1)/2⌋ nodes of the list form
 * the minority (n1..n3 | n4 n5 for five nodes), so the split is predictable on a projector.
 */
export function majorityMinorityGroups(nodes: readonly NodeId[], minority?: readonly NodeId[]): { majority: NodeId[]; minority: NodeId[] } {
  if (nodes.length < 2) throw new NetworkSettingsError('a majority/minority split needs at least two nodes');
  const chosen = minority ?? nodes.slice(nodes.length - Math.floor((nodes.length - 1) / 2));
  for (const node of chosen) {
    if (!nodes.includes(node)) throw new NetworkSettingsError(`${node} is not one of ${nodes.join(', ')}`);
  }
  const majority = nodes.filter((n) => !chosen.includes(n));
  if (majority.length * 2 <= nodes.length) {
    throw new NetworkSettingsError(`minority ${chosen.join(', ')} leaves only ${majority.length} of ${nodes.length} nodes: not a majority`);
  }
  return { majority, minority: [...chosen] };
}

/** Every node alone: no messages cross at all. */
export function fullySplitGroups(nodes: readonly NodeId[]): NodeId[][] {
  return nodes.map((n) => [n]);
}
