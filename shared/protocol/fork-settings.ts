// What makes a fork behave like its source: its clock speed, protections, bug switches and network
// (defaults, per-link settings, cuts and partition), as the commands that set them. The server
// applies them to a fork it makes itself (POST …/fork); a client that forks through a proxy reads
// the source's view and sends them with the new cluster (PUT /api/clusters/{name}), since the fork
// may land on another server than its source.
import { z } from 'zod';
import { commandSchema, type Command } from './commands.ts';
import type { ClusterView } from './views.ts';

/** The commands a fork's settings may be: nothing that acts on nodes, data or the bus. */
const SETTING_TYPES = ['clock', 'switches', 'network', 'cut-link', 'partition'] as const;
export type SettingCommand = Extract<Command, { type: (typeof SETTING_TYPES)[number] }>;

/** At most this many settings travel with a new cluster (a 9-node full mesh has 72 links). */
export const MAX_SETTINGS = 200;

export const settingCommandSchema = commandSchema.refine((command) => (SETTING_TYPES as readonly string[]).includes(command.type), {
  message: `a setting is one of ${SETTING_TYPES.join(', ')}`,
}) as unknown as z.ZodType<SettingCommand>;

export function settingsCommands(source: ClusterView): SettingCommand[] {
  const commands: SettingCommand[] = [];
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

/** A fresh name chosen before the cluster exists (so a proxy can route its creation): the source's,
 *  shortened, and a random suffix for a fork (lecture-k3x9qz), lab-… for a new cluster. */
export function freshClusterName(source: string | null, random: () => number = Math.random): string {
  const suffix = Array.from({ length: 6 }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)]).join('');
  return source ? `${source.slice(0, 24).replace(/-+$/, '')}-${suffix}` : `lab-${suffix}`;
}
