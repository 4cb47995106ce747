// The membership controller's decisions, for every host (the worker runtime and the simulator):
// given the roster a person asked for and the configuration the leader reports, the next single
// change to propose, and the nodes that are gone for good. Pure: no I/O, no timers.
import type { ConfChange } from '../raft/index.ts';
import type { MembershipConfig } from '../raft/types.ts';

export type MemberRole = 'voter' | 'learner';

export function byNodeNumber(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1));
}

/** One step toward the roster: removals first (lowest id first), then additions and promotions. */
export function nextMembershipChange(roster: ReadonlyMap<string, MemberRole>, config: MembershipConfig): ConfChange | null {
  const members = new Set([...config.voters, ...config.learners]);
  for (const id of [...members].sort(byNodeNumber)) {
    if (!roster.has(id)) return { changes: [{ op: 'remove-voter', node: id }] };
  }
  for (const [id, role] of [...roster].sort(([a], [b]) => byNodeNumber(a, b))) {
    if (role === 'voter' && !config.voters.includes(id)) {
      return { changes: [{ op: config.learners.includes(id) ? 'promote-learner' : 'add-voter', node: id }] };
    }
    if (role === 'learner' && !members.has(id)) return { changes: [{ op: 'add-learner', node: id }] };
  }
  return null;
}

/** Nodes with a host that are neither in the roster nor in the configuration: stop them. */
export function strayNodes(roster: ReadonlyMap<string, MemberRole>, config: MembershipConfig, hasHost: (node: string) => boolean): string[] {
  const inConfig = new Set([...config.voters, ...config.learners, ...config.votersOutgoing]);
  const strays: string[] = [];
  for (let i = 1; i <= 99; i++) {
    const id = `n${i}`;
    if (hasHost(id) && !roster.has(id) && !inConfig.has(id)) strays.push(id);
  }
  return strays;
}
