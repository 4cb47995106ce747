// Network commands applied to the network model, for every host (the worker runtime and the
// simulator): every node named must exist, and a partition must name each node at most once.
import { NetworkSettingsError, type NetworkModel } from '../net/index.ts';
import { CommandError, type Command } from '../protocol/commands.ts';
import type { NetworkView } from '../protocol/views.ts';

export type NetworkCommand = Extract<Command, { type: 'cut-link' | 'heal-link' | 'partition' | 'isolate' | 'split' | 'heal-network' | 'network' }>;

export function runNetworkCommand(network: NetworkModel, command: NetworkCommand, nodes: readonly string[], leader: string | null): void {
  const known = (node: string): string => {
    if (!nodes.includes(node)) throw new CommandError('not-found', `no node ${node}`);
    return node;
  };
  try {
    switch (command.type) {
      case 'cut-link':
        if (command.from === command.to) throw new CommandError('bad-request', 'a link joins two different nodes');
        network.cut(known(command.from), known(command.to), command.direction);
        return;
      case 'heal-link':
        network.uncut(known(command.from), known(command.to), command.direction);
        return;
      case 'partition': {
        const seen = new Set<string>();
        for (const node of command.groups.flat()) {
          if (seen.has(known(node))) throw new CommandError('bad-request', `${node} is in two groups`);
          seen.add(node);
        }
        network.partition(command.groups);
        return;
      }
      case 'isolate':
        network.isolate(known(command.node), nodes);
        return;
      case 'split': {
        // Default minority: the current leader and as few others as make a minority.
        const minority = command.minority?.map(known) ?? (leader ? [leader] : undefined);
        if (minority && minority.length * 2 >= nodes.length) throw new CommandError('bad-request', `${minority.join(', ')} is not a minority of ${nodes.length}`);
        network.splitMajorityMinority(nodes, minority);
        return;
      }
      case 'heal-network':
        network.heal();
        return;
      case 'network':
        if ((command.from === undefined) !== (command.to === undefined)) throw new CommandError('bad-request', 'a link setting needs both from and to');
        if (command.from !== undefined && command.to !== undefined) network.setLink(known(command.from), known(command.to), command.settings);
        else network.setDefaults(command.settings);
        return;
    }
  } catch (error) {
    if (error instanceof NetworkSettingsError) throw new CommandError('bad-request', error.message);
    throw error;
  }
}

export function networkView(network: NetworkModel): NetworkView {
  const json = network.toJSON();
  return {
    version: 1,
    defaults: { ...json.defaults },
    links: json.links.map((link) => ({ from: link.from, to: link.to, settings: { ...link.settings } })),
    cuts: json.cuts.map((cut) => ({ ...cut })),
    partition: json.partition ? json.partition.map((group) => [...group]) : null,
  };
}
