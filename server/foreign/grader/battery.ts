// The grader's fixed battery: each check puts one fault on a cluster under the steady load and asks
// whether the cluster still does its job (a write gets through within a bound), then undoes the
// fault. Faults aimed at the leader need the node to say who leads (state reports); without them
// those checks are skipped, and say so. Linearizability and the invariants are judged at the end.
import type { Cluster } from '../../cluster/cluster.ts';
import type { ClusterView } from '../../../shared/protocol/views.ts';
import type { Command } from '../../../shared/protocol/commands.ts';
import { leaderOf } from '../../testing/temp-cluster.ts';
import type { LinKvLoad } from './lin-kv-load.ts';

export interface CheckResult {
  readonly name: string;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
  /** A failed check: the cluster's virtual ms when it failed (where its recording opens). */
  readonly failedAt?: number;
  /** The cluster's events the check spans (after `fromSeq`, up to `toSeq`): its recording's stretch. */
  readonly span?: { readonly fromSeq: number; readonly toSeq: number };
  /** The recording of a failed check, once written (failure-recordings.ts). */
  readonly recording?: string;
}

export interface BatteryContext {
  readonly cluster: Cluster;
  readonly load: LinKvLoad;
  /** Real ms a fault lasts, and the bound a write has to get through after one. */
  readonly phaseMs: number;
  readonly recoverMs: number;
}

interface Check {
  readonly name: string;
  readonly needsLeader: boolean;
  run(context: BatteryContext, leader: string | null): Promise<CheckResult>;
}

export function until<T>(cluster: Cluster, probe: (view: ClusterView) => T | null | undefined | false, timeoutMs: number): Promise<T | null> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const value = probe(cluster.view);
      if (value === null || value === undefined || value === false) return false;
      done(value);
      return true;
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    const unsubscribe = cluster.events.subscribe(() => void check());
    const done = (value: T | null): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    check();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a write is acknowledged within `ms` from now. */
async function writeGetsThrough(context: BatteryContext, ms: number): Promise<boolean> {
  const since = performance.now();
  const deadline = since + ms;
  while (performance.now() < deadline) {
    if (context.load.lastWrite > since) return true;
    await sleep(20);
  }
  return context.load.lastWrite > since;
}

async function run(cluster: Cluster, command: Command): Promise<void> {
  const result = await cluster.execute(command);
  if (!result.ok) throw new Error(`${command.type}: ${result.error}`);
}

const followerOf = (view: ClusterView, leader: string): string | undefined => view.nodes.find((node) => node.id !== leader && node.life === 'alive')?.id;

/** What a fault did: the node it hit (to undo it) and how to say it. */
interface Applied {
  readonly node: string;
  readonly shown: string;
}

/** A fault, a wait for a write to get through under it, and the fault undone. */
function underFault(name: string, needsLeader: boolean, apply: (context: BatteryContext, leader: string | null) => Promise<Applied>, undo: (context: BatteryContext, node: string) => Promise<void>): Check {
  return {
    name,
    needsLeader,
    async run(context, leader) {
      const applied = await apply(context, leader);
      const through = await writeGetsThrough(context, context.recoverMs);
      const failedAt = context.cluster.clock.now();
      await sleep(context.phaseMs);
      await undo(context, applied.node);
      return through
        ? { name, outcome: 'passed', detail: `a write got through with ${applied.shown}` }
        : { name, outcome: 'failed', failedAt, detail: `no write was acknowledged within ${context.recoverMs / 1000} s with ${applied.shown}` };
    },
  };
}

/** Tries of the lagging-node election: which node campaigns first is a coin toss each time, so a
 *  wrong voter is caught with probability about 1 - 2^-8 (seen caught on the first or second). */
const LAGGING_TRIES = 8;

/**
 * A node that missed committed writes must not win an election (Raft §5.4.1, the vote's log check).
 * Each try: cut a follower off while writes commit without it, kill the leader and the other
 * follower, heal, and restart only that other follower: the lagging node and it race to campaign.
 * A correct voter refuses the lagging node; a wrong one may elect it, and the new leader then lacks
 * committed entries (the invariant monitor's leader completeness, and lost writes).
 */
const laggingNodeElection: Check = {
  name: 'a lagging node cannot win an election',
  needsLeader: true,
  async run(context) {
    const { cluster } = context;
    for (let attempt = 1; attempt <= LAGGING_TRIES; attempt++) {
      const leader = await until(cluster, (view) => view.nodes.every((node) => node.life === 'alive') && leaderOf(view), context.recoverMs);
      if (!leader) return { name: this.name, outcome: 'failed', detail: `no leader within ${context.recoverMs / 1000} s (try ${attempt})` };
      const lagging = followerOf(cluster.view, leader)!;
      const other = cluster.view.nodes.find((node) => node.id !== leader && node.id !== lagging)!.id;
      await run(cluster, { type: 'isolate', node: lagging });
      if (!(await writeGetsThrough(context, context.recoverMs))) return { name: this.name, outcome: 'failed', detail: `no write got through with ${lagging} cut off` };
      await sleep(200);
      await Promise.all([run(cluster, { type: 'kill', node: leader }), run(cluster, { type: 'kill', node: other })]);
      await run(cluster, { type: 'heal-network' });
      await run(cluster, { type: 'restart', node: other });
      const winner = await until(cluster, leaderOf, context.recoverMs);
      await run(cluster, { type: 'restart', node: leader });
      // The lagging node winning is no fault by itself (it may hold every committed entry); a
      // leader without a committed entry is, and the monitor says so.
      const completeness = cluster.view.violations.find((violation) => violation.invariant === 'leader-completeness');
      if (completeness) {
        return { name: this.name, outcome: 'failed', failedAt: completeness.time, detail: `try ${attempt}: ${winner ?? 'a node'} was elected without an entry the others had committed (${lagging} had been cut off): its voters did not check its log. ${completeness.explanation}` };
      }
    }
    return { name: this.name, outcome: 'passed', detail: `in ${LAGGING_TRIES} races between a node that missed committed writes and one that had them, no leader lacked a committed entry` };
  },
};

/** Kills, isolates or pauses `pick`'s node, and returns it. */
function hit(verb: 'kill' | 'isolate' | 'pause-node', shown: string, pick: (view: ClusterView, leader: string | null) => string): (context: BatteryContext, leader: string | null) => Promise<Applied> {
  return async ({ cluster }, leader) => {
    const node = pick(cluster.view, leader);
    await run(cluster, { type: verb, node });
    return { node, shown: `${node} ${shown}` };
  };
}

const theLeader = (_view: ClusterView, leader: string | null): string => leader!;
const aFollower = (view: ClusterView, leader: string | null): string => followerOf(view, leader!)!;
const restart = async ({ cluster }: BatteryContext, node: string): Promise<void> => run(cluster, { type: 'restart', node });
const heal = async ({ cluster }: BatteryContext): Promise<void> => run(cluster, { type: 'heal-network' });

export const BATTERY: readonly Check[] = [
  underFault('leader killed', true, hit('kill', 'killed', theLeader), restart),
  underFault('follower killed and restarted', true, hit('kill', 'killed', aFollower), restart),
  underFault('minority partitioned', true, hit('isolate', 'cut off', aFollower), heal),
  underFault('leader partitioned from the majority', true, hit('isolate', 'cut off', theLeader), heal),
  underFault('loss, duplication and reordering', false, async ({ cluster }) => {
    await run(cluster, { type: 'network', settings: { loss: 0.1, duplicate: 0.1, reorder: 0.2, reorderDelay: 20 } });
    return { node: '', shown: '10% loss, 10% duplicates, 20% reordered' };
  }, async ({ cluster }) => run(cluster, { type: 'network', settings: { loss: 0, duplicate: 0, reorder: 0 } })),
  underFault('leader paused', true, hit('pause-node', 'paused', theLeader), async ({ cluster }, node) => run(cluster, { type: 'resume-node', node })),
  laggingNodeElection,
];

/** A failed check's moment and stretch: `failedAt` as the check knew it, or now. */
export function withSpan(cluster: Cluster, fromSeq: number, result: CheckResult): CheckResult {
  if (result.outcome !== 'failed') return result;
  return { ...result, failedAt: result.failedAt ?? cluster.clock.now(), span: { fromSeq, toSeq: cluster.view.seq } };
}

/** Runs the battery in order; before each check the cluster must have settled (everyone up, a leader). */
export async function runBattery(context: BatteryContext, reports: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of BATTERY) {
    const fromSeq = context.cluster.view.seq;
    results.push(withSpan(context.cluster, fromSeq, await runCheck(context, check, reports)));
  }
  return results;
}

async function runCheck(context: BatteryContext, check: Check, reports: boolean): Promise<CheckResult> {
  if (check.needsLeader && !reports) return { name: check.name, outcome: 'skipped', detail: 'the node sends no state reports, so the lab cannot tell who leads' };
  await until(context.cluster, (view) => view.nodes.every((node) => node.life === 'alive'), context.recoverMs);
  const leader = reports ? await until(context.cluster, leaderOf, context.recoverMs) : null;
  if (check.needsLeader && !leader) return { name: check.name, outcome: 'failed', detail: `no leader within ${context.recoverMs / 1000} s before the fault` };
  try {
    return await check.run(context, leader);
  } catch (error) {
    return { name: check.name, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}
