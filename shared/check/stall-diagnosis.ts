// Why a cluster makes no progress, in plain words, from what the page sees: each node's life, role,
// term and log, the network's cuts, partition and loss, the bus's hold, and the protection
// switches. The first reason that fits is given, from the most basic (nothing can move, no quorum
// can form) to the subtle (a leader that cannot commit and never steps down; a node whose higher
// terms keep deposing every leader; elections that keep splitting).
import { NetworkModel } from '../net/model.ts';
import type { ClusterView, NodeView } from '../protocol/views.ts';

/** A node starting an election at a new term. */
export interface Campaign {
  readonly node: string;
  readonly term: number;
  readonly time: number;
}

export interface StallEvidence {
  /** Campaigns inside the window, oldest first. */
  readonly campaigns: readonly Campaign[];
  /** How far back the campaigns go, in virtual ms. */
  readonly windowMs: number;
}

export function diagnoseStall(view: ClusterView, evidence: StallEvidence): string {
  if (view.held) return 'Hold mode is on: the bus delivers no message until you release it or step one.';
  const reach = reachability(view);
  const voterSets = votersOf(view);
  const voters = [...new Set(voterSets.flat())];
  const byId = new Map(view.nodes.map((node) => [node.id, node]));
  const up = (id: string): boolean => byId.get(id)?.life === 'alive';

  const best = bestLeaderCandidate(voterSets, up, reach);
  if (!best.quorum) return noQuorum(voters, voterSets, byId, best);

  const switches = view.switches;
  const staleLeader = view.nodes.find((node) => node.role === 'leader' && node.life === 'alive' && !hasQuorum(node.id, voterSets, up, reach));
  if (staleLeader && switches && !switches.checkQuorum) {
    const reached = voters.filter((id) => id !== staleLeader.id && up(id) && reach.both(staleLeader.id, id));
    const heard = voters.filter((id) => id !== staleLeader.id && up(id) && reach.one(staleLeader.id, id) && !reach.one(id, staleLeader.id));
    const need = majority(voterSets[0]!.length);
    const quiet = heard.length > 0 ? ` Its heartbeats still reach ${list(heard)}, whose replies do not come back, so they never time out and never elect anyone else.` : '';
    return `${staleLeader.id} still leads term ${staleLeader.term} but reaches ${reached.length + 1} of the ${need} voters it needs both ways, so it cannot commit; with check-quorum off it never notices and never steps down.${quiet}`;
  }

  const disruptor = flappingNode(evidence.campaigns);
  if (disruptor) {
    const node = byId.get(disruptor.node);
    const leadingLog = bestLog(view.nodes.filter((other) => other.id !== disruptor.node && other.life === 'alive'));
    const behind = node && leadingLog && logOlder(node, leadingLog);
    const deaf = voters.filter((id) => id !== disruptor.node && up(id) && !reach.one(id, disruptor.node));
    const why = deaf.length > 0 ? ` It hears no leader: ${list(deaf.map((id) => `${id}→${disruptor.node}`))} ${deaf.length === 1 ? 'is' : 'are'} cut.` : '';
    const terms = `terms ${disruptor.firstTerm} → ${disruptor.lastTerm} in the last ${seconds(evidence.windowMs)}`;
    if (behind && switches && !switches.preVote && !switches.checkQuorum) {
      return `${disruptor.node} keeps starting elections (${terms}) but its log is behind (last entry ${node.lastIndex} at term ${node.lastTerm}; ${leadingLog.id} has ${leadingLog.lastIndex} at term ${leadingLog.lastTerm}), so it can never win, and each higher term it sends makes the leader step down.${why} Pre-vote is off and so is check-quorum's vote lease: with either on, ${disruptor.node} could not depose a working leader.`;
    }
    if (behind) return `${disruptor.node} keeps starting elections (${terms}) that it cannot win: its log is behind ${leadingLog.id}'s.${why}`;
  }

  const candidates = [...new Set(evidence.campaigns.map((campaign) => campaign.node))];
  if (evidence.campaigns.length >= 3 && candidates.length >= 2) {
    const first = evidence.campaigns[0]!.term;
    const last = evidence.campaigns[evidence.campaigns.length - 1]!.term;
    return `Elections keep splitting: ${list(candidates)} campaigned (terms ${first} → ${last} in the last ${seconds(evidence.windowMs)}) and no candidate gathered a majority of the votes.`;
  }
  const roles = view.nodes.map((node) => `${node.id} ${node.life === 'alive' ? `${node.role} t${node.term}` : node.life}`).join(', ');
  return `A quorum could form around ${best.node}, yet no leader has settled (${roles}).`;
}

/** Whether `leader` reaches a majority of every voter set both ways (its own vote included). */
export function leaderHasQuorum(view: ClusterView, leader: string): boolean {
  const byId = new Map(view.nodes.map((node) => [node.id, node]));
  return hasQuorum(leader, votersOf(view), (id) => byId.get(id)?.life === 'alive', reachability(view));
}

interface Reach {
  /** from → to carries messages (no cut, no partition, not all lost). */
  one(from: string, to: string): boolean;
  both(a: string, b: string): boolean;
}

function reachability(view: ClusterView): Reach {
  const network = view.network ? NetworkModel.fromJSON(view.network, () => 0) : null;
  const one = (from: string, to: string): boolean => network === null || (network.blocked(from, to) === undefined && network.linkSettings(from, to).loss < 1);
  return { one, both: (a, b) => one(a, b) && one(b, a) };
}

/** The voter sets a leader needs a majority of: one, or two during a joint configuration. */
function votersOf(view: ClusterView): string[][] {
  // A node down or just starting reports no configuration: ask the best-informed one that does,
  // and if none does (every node down), take the roster.
  const informed = bestLog(view.nodes.filter((node) => node.config.voters.length > 0));
  if (!informed) return [view.nodes.map((node) => node.id)];
  const { voters, votersOutgoing } = informed.config;
  return votersOutgoing.length > 0 ? [voters, votersOutgoing] : [voters];
}

function hasQuorum(leader: string, voterSets: readonly string[][], up: (id: string) => boolean, reach: Reach): boolean {
  if (!up(leader)) return false;
  return voterSets.every((set) => set.filter((id) => id === leader || (up(id) && reach.both(leader, id))).length >= majority(set.length));
}

interface BestCandidate {
  readonly node: string | null;
  readonly quorum: boolean;
  /** Live voters it reaches both ways, itself included. */
  readonly group: readonly string[];
}

function bestLeaderCandidate(voterSets: readonly string[][], up: (id: string) => boolean, reach: Reach): BestCandidate {
  let best: BestCandidate = { node: null, quorum: false, group: [] };
  for (const id of new Set(voterSets.flat())) {
    if (!up(id)) continue;
    const group = [...new Set(voterSets.flat())].filter((other) => other === id || (up(other) && reach.both(id, other)));
    if (hasQuorum(id, voterSets, up, reach)) return { node: id, quorum: true, group };
    if (group.length > best.group.length) best = { node: id, quorum: false, group };
  }
  return best;
}

function noQuorum(voters: readonly string[], voterSets: readonly string[][], byId: Map<string, NodeView>, best: BestCandidate): string {
  const need = majority(voterSets[0]!.length);
  const gone = voters.filter((id) => byId.get(id)?.life !== 'alive').map((id) => `${id} is ${lifeWord(byId.get(id))}`);
  // Node ids are lower case ("n1"), and stay so at the start of a sentence.
  const down = gone.length > 0 ? ` ${list(gone)}.` : '';
  const live = voters.filter((id) => byId.get(id)?.life === 'alive');
  const links = live.length <= 1
    ? (live.length === 1 ? ` Only ${live[0]} is up.` : ' No voter is up.')
    : best.group.length > 1
      ? ` The largest group that can talk both ways is ${list([...best.group])}.`
      : ` No two live voters can reach each other both ways.`;
  const joint = voterSets.length > 1 ? ' (a joint configuration needs a majority of the old voters and of the new)' : '';
  return `No quorum can form: ${need} of the ${voterSets[0]!.length} voters must reach one another${joint}.${down}${links}`;
}

function lifeWord(node: NodeView | undefined): string {
  if (!node) return 'gone';
  if (node.life === 'dead') return node.reason === 'power-cut' ? 'down (power cut)' : 'down';
  if (node.life === 'failed') return `failed${node.reason ? ` (${node.reason})` : ''}`;
  return node.life;
}

interface Flapping {
  readonly node: string;
  readonly firstTerm: number;
  readonly lastTerm: number;
}

/** The node that started most of the window's elections, if one did (at least 3, and most). */
function flappingNode(campaigns: readonly Campaign[]): Flapping | null {
  const counts = new Map<string, Campaign[]>();
  for (const campaign of campaigns) counts.set(campaign.node, [...(counts.get(campaign.node) ?? []), campaign]);
  const [top] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length);
  if (!top || top[1].length < 3 || top[1].length * 2 < campaigns.length) return null;
  return { node: top[0], firstTerm: top[1][0]!.term, lastTerm: top[1][top[1].length - 1]!.term };
}

/** The node with the most up-to-date log, by Raft's rule (last term, then last index). */
function bestLog(nodes: readonly NodeView[]): NodeView | undefined {
  return [...nodes].sort((a, b) => b.lastTerm - a.lastTerm || b.lastIndex - a.lastIndex)[0];
}

function logOlder(node: NodeView, than: NodeView): boolean {
  return node.lastTerm < than.lastTerm || (node.lastTerm === than.lastTerm && node.lastIndex < than.lastIndex);
}

function majority(size: number): number {
  return Math.floor(size / 2) + 1;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
