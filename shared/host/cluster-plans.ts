// What a cluster does for the commands that ask its nodes and wait (hand leadership over, change
// membership, push new switches, fetch the leader's snapshot image), written once for both hosts as
// generators of steps, as the client's retry rules are (until-definite.ts). A step says what to ask
// or what to wait for; the host's driver does it — the lab with promises in real time
// (server/cluster/cluster.ts), the simulator by running its loop in virtual time
// (shared/sim/sim-cluster.ts) — and passes the result back in.
import { CommandError } from '../protocol/commands.ts';
import type { Command } from '../protocol/commands.ts';
import type { CommandResults } from '../protocol/command-results.ts';
import type { ClusterView } from '../protocol/views.ts';
import type { Switches } from '../raft/index.ts';
import type { NodeRequest } from '../node/protocol.ts';
import type { SnapshotImage } from '../node/answers.ts';
import { answerTo, type RequestOutcome } from './node-requests.ts';
import type { Roster } from './roster.ts';

/** What a plan needs done next. */
export type ClusterStep =
  /** Ask one node; answered with its outcome. */
  | { readonly ask: string; readonly request: NodeRequest; readonly timeoutMs: number }
  /** Ask each node at once; answered when all have answered or timed out. */
  | { readonly askEach: readonly string[]; readonly request: NodeRequest; readonly timeoutMs: number }
  /** Wait until `probe` holds (checked as the cluster changes) or the deadline passes; answered with whether it held. */
  | { readonly until: () => boolean; readonly deadline: number };

export type ClusterPlan<T> = Generator<ClusterStep, T, unknown>;

export interface PlanHost {
  leader(): string | null;
  attemptTimeoutMs(): number;
  /** The clock deadlines are measured in: real ms for the lab (not its lab clock, which may be
   *  slowed or paused), virtual ms for the simulator. */
  deadlineNow(): number;
}

function* ask(node: string, request: NodeRequest, timeoutMs: number): Generator<ClusterStep, RequestOutcome, unknown> {
  return (yield { ask: node, request, timeoutMs }) as RequestOutcome;
}

function* until(probe: () => boolean, deadline: number): Generator<ClusterStep, boolean, unknown> {
  return (yield { until: probe, deadline }) as boolean;
}

/** Hands leadership to `to`: the leader is asked to transfer, then the plan waits to see `to` lead. */
export function* transferLeadership(host: PlanHost, to: string): ClusterPlan<CommandResults['transfer-leadership']> {
  const leader = host.leader();
  if (!leader) throw new CommandError('no-leader', 'there is no leader to hand over from');
  if (leader === to) return { leader: to, alreadyLeader: true };
  const deadline = host.deadlineNow() + host.attemptTimeoutMs();
  const outcome = yield* ask(leader, { kind: 'transfer', to }, host.attemptTimeoutMs());
  if (!outcome.ok) throw new CommandError('unavailable', outcome.error);
  if (!(yield* until(() => host.leader() === to, deadline))) throw new CommandError('timeout', `${to} did not become leader in time (is it caught up and reachable?)`);
  return { leader: to };
}

/** Several voters in and out at once, through joint consensus (Roster.beginChange); the roster
 *  hears the change is over however it ends. */
export function* changeMembership(host: PlanHost, roster: Pick<Roster, 'beginChange' | 'changeDone'>, add: readonly string[], remove: readonly string[]): ClusterPlan<CommandResults['change-membership']> {
  const { leader, change, joint } = roster.beginChange(add, remove);
  try {
    const request = { kind: 'conf-change', change } as const;
    const outcome = yield* ask(leader, request, host.attemptTimeoutMs() * 2);
    // A refusal of the change itself (not the leader any more, a change in progress) is a conflict.
    if (!outcome.ok && outcome.code !== 'unknown') throw new CommandError('conflict', outcome.error);
    return { ...answerTo(request, outcome), joint };
  } finally {
    roster.changeDone();
  }
}

/** The switches after a `switches` command: only what it names changes. */
export function mergeSwitches(current: Switches, change: Extract<Command, { type: 'switches' }>): Switches {
  const { type: _type, ...patch } = change;
  return {
    ...current,
    ...(patch.preVote !== undefined ? { preVote: patch.preVote } : {}),
    ...(patch.checkQuorum !== undefined ? { checkQuorum: patch.checkQuorum } : {}),
    bugs: { ...current.bugs, ...patch.bugs },
  };
}

export function switchesView(switches: Switches): NonNullable<ClusterView['switches']> {
  return { preVote: switches.preVote, checkQuorum: switches.checkQuorum, bugs: { ...switches.bugs } };
}

/** Tells every running node the new switches, and waits until each has answered or timed out. */
export function* pushSwitches(running: readonly string[], switches: Switches, timeoutMs: number): ClusterPlan<void> {
  yield { askEach: running, request: { kind: 'switches', change: switches }, timeoutMs };
}

/** The leader's state-machine image (waiting one attempt for a leader if there is none yet). */
export function* leaderImage(host: PlanHost): ClusterPlan<SnapshotImage> {
  let leader = host.leader();
  if (!leader && (yield* until(() => host.leader() !== null, host.deadlineNow() + host.attemptTimeoutMs()))) leader = host.leader();
  if (!leader) throw new CommandError('no-leader', 'a snapshot is taken on the leader, and there is none');
  const request = { kind: 'snapshot-data' } as const;
  return answerTo(request, yield* ask(leader, request, host.attemptTimeoutMs()));
}
