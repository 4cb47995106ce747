// Each challenge solved the way a student would solve it, on the simulator (which runs the node
// runtime the lab runs, in virtual time, and streams the same events), and its twin: the same
// steps without the one thing that makes it happen solve nothing.
import { describe, expect, it } from 'vitest';
import type { ClusterCommand } from '../protocol/commands.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { emptyClusterView } from '../protocol/reduce-view.ts';
import { SimCluster, type SimClusterOptions } from '../sim/sim-cluster.ts';
import { ChallengeWatch } from './challenge-watch.ts';
import { CHALLENGES } from './catalog.ts';

async function formed(options: Partial<SimClusterOptions> = {}): Promise<{ cluster: SimCluster; leader: string; followers: string[] }> {
  const cluster = new SimCluster({ seed: 11, nodes: 3, ...options });
  expect(await cluster.waitUntil(() => cluster.view().liveness?.state === 'holds', 5_000)).toBe(true);
  const leader = cluster.view().nodes.find((node) => node.role === 'leader')!.id;
  return { cluster, leader, followers: cluster.view().nodes.map((node) => node.id).filter((id) => id !== leader) };
}

async function run(cluster: SimCluster, ...commands: ClusterCommand[]): Promise<void> {
  for (const command of commands) {
    const result = await cluster.execute(command);
    if (!result.ok) throw new Error(`${command.type}: ${JSON.stringify(result)}`);
  }
}

const settle = (cluster: SimCluster, ms: number) => cluster.waitUntil(() => false, ms);
const solved = (cluster: SimCluster) => cluster.view().challenges.map((challenge) => challenge.id);

describe('challenges, detected from what happened', () => {
  it('a stale read from an isolated follower; the same read from the leader is not one', async () => {
    const { cluster, leader, followers } = await formed();
    const [away] = followers as [string];
    await run(cluster, { type: 'put', key: 'k', value: 'one' }, { type: 'isolate', node: away }, { type: 'put', key: 'k', value: 'two' });
    await run(cluster, { type: 'get', key: 'k', consistency: 'stale', node: leader });
    expect(solved(cluster)).not.toContain('stale-read');
    await run(cluster, { type: 'get', key: 'k', consistency: 'stale', node: away });
    expect(solved(cluster)).toContain('stale-read');
    expect(cluster.view().challenges.find((c) => c.id === 'stale-read')!.detail).toBe(`${away}, a follower, answered a stale read with version 1 of k after version 2 had been acknowledged.`);
  });

  it('InstallSnapshot to a follower that was away while the leader compacted', async () => {
    const { cluster, leader, followers } = await formed({ snapshotThreshold: 20 });
    const [away] = followers as [string];
    await run(cluster, { type: 'kill', node: away });
    for (let n = 0; n < 40; n++) await run(cluster, { type: 'put', key: `item/${n}`, value: String(n) });
    await run(cluster, { type: 'snapshot-now', node: leader });
    expect(solved(cluster)).not.toContain('install-snapshot');
    await run(cluster, { type: 'restart', node: away });
    expect(await cluster.waitUntil(() => solved(cluster).includes('install-snapshot'), 5_000)).toBe(true);
    expect(cluster.view().challenges.find((c) => c.id === 'install-snapshot')!.detail).toMatch(new RegExp(`^${away} installed the leader’s snapshot up to index \\d+`));
  });

  it('a commit by the new leader while the old one, cut off with check-quorum off, still thinks it leads', async () => {
    const { cluster, leader } = await formed({ checkQuorum: false });
    await run(cluster, { type: 'isolate', node: leader });
    expect(await cluster.waitUntil(() => cluster.view().nodes.some((node) => node.role === 'leader' && node.id !== leader), 5_000)).toBe(true);
    await run(cluster, { type: 'put', key: 'k', value: 'majority side' });
    expect(await cluster.waitUntil(() => solved(cluster).includes('commit-while-old-leader-isolated'), 2_000)).toBe(true);
    expect(cluster.view().challenges[0]!.detail).toContain(`while ${leader}, cut off, still believed it led term`);
  });

  it('a rejoining node deposes the leader with pre-vote off, and not with pre-vote on', async () => {
    for (const preVote of [false, true]) {
      const { cluster, leader, followers } = await formed({ preVote, checkQuorum: false });
      const [away] = followers as [string];
      await run(cluster, { type: 'isolate', node: away }, { type: 'put', key: 'k', value: 'while it is away' });
      await settle(cluster, 2_000); // several election timeouts: it campaigns again and again
      await run(cluster, { type: 'heal-network' });
      await settle(cluster, 2_000);
      if (preVote) {
        expect(solved(cluster)).not.toContain('disruptive-rejoin');
        expect(cluster.view().nodes.find((node) => node.id === leader)!.role).toBe('leader');
      } else {
        expect(solved(cluster)).toContain('disruptive-rejoin');
        expect(cluster.view().challenges.find((c) => c.id === 'disruptive-rejoin')!.detail).toMatch(new RegExp(`^${leader}, leader of term \\d+, stepped down to term \\d+: ${away} had run its term up`));
      }
    }
  });

  it('a membership change with a write acknowledged soon after; the nodes made at creation do not count', async () => {
    const { cluster } = await formed();
    await run(cluster, { type: 'put', key: 'before', value: '1' });
    expect(solved(cluster)).not.toContain('membership-stays-available');
    await run(cluster, { type: 'add-node' });
    await run(cluster, { type: 'put', key: 'after', value: '1' });
    expect(solved(cluster)).toContain('membership-stays-available');
  });

  it('one failure does not stop a cluster of three: the impossible challenge is explained once tried', async () => {
    const { cluster, leader } = await formed();
    await run(cluster, { type: 'put', key: 'k', value: '1' });
    expect(solved(cluster)).not.toContain('one-failure-unavailable');
    await run(cluster, { type: 'kill', node: leader });
    expect(await cluster.waitUntil(() => cluster.view().nodes.some((node) => node.life === 'alive' && node.role === 'leader'), 5_000)).toBe(true);
    await run(cluster, { type: 'put', key: 'k', value: '2' });
    expect(cluster.view().challenges.find((c) => c.id === 'one-failure-unavailable')!.detail).toBe(`With ${leader} dead, the other 2 of 3 still committed a write.`);
  });

  it('an event stream folds the same list, in order, on the page (recorded events replay it)', async () => {
    const { cluster, followers } = await formed();
    await run(cluster, { type: 'put', key: 'k', value: 'one' }, { type: 'isolate', node: followers[0]! }, { type: 'put', key: 'k', value: 'two' }, { type: 'get', key: 'k', consistency: 'stale', node: followers[0]! });
    const events = cluster.history();
    const at = events.findIndex((event) => event.type === 'challenge');
    // The cause streams before the verdict, and their sequence numbers run on without a gap.
    expect(events[at - 1]!.type).toBe('client-op');
    expect(events[at]!.seq).toBe(events[at - 1]!.seq + 1);
  });
});

describe('the watch on its own', () => {
  const view = () => emptyClusterView('c', 'teaching', 10);
  const NO_BUGS = { commitByCounting: false, forgetVoteOnRestart: false, ackBeforePersist: false, grantVoteWithoutLogCheck: false };
  const op = (fields: Partial<Extract<ClusterEvent, { type: 'client-op' }>>): ClusterEvent => ({
    type: 'client-op', seq: 1, time: 0, opId: 1, client: 'c', op: 'put', key: 'k', value: 'v', version: 1, cas: null, consistency: null, node: 'n1', outcome: 'ok', detail: '', start: 0, end: 1, ...fields,
  });
  const call = (opId: number, seq: number): ClusterEvent => ({ type: 'client-call', seq, time: seq, opId, client: 'c', op: 'get', key: 'k', value: null, cas: null, start: seq });

  it('two leaders in one term is the election-safety violation the monitor reports', () => {
    const watch = new ChallengeWatch();
    const violation: ClusterEvent = { type: 'violation', seq: 1, time: 5, invariant: 'election-safety', explanation: 'n1 and n2 both led term 4' };
    expect(watch.observe(violation, view())).toEqual([{ id: 'two-leaders-one-term', detail: 'n1 and n2 both led term 4' }]);
    expect(watch.observe(violation, view())).toEqual([]); // once
  });

  it('an acknowledged write a linearizable read misses counts only with a bug switched on', () => {
    const withBug = view();
    withBug.switches = { preVote: true, checkQuorum: true, bugs: { ...NO_BUGS, ackBeforePersist: true } };
    const healthy = view();
    healthy.switches = { preVote: true, checkQuorum: true, bugs: NO_BUGS };
    for (const [v, expected] of [[healthy, []], [withBug, ['acknowledged-write-lost']]] as const) {
      const watch = new ChallengeWatch();
      watch.observe(op({ op: 'put', version: 3, seq: 10 }), v);
      watch.observe(call(2, 11), v);
      const found = watch.observe(op({ opId: 2, op: 'get', version: 2, value: 'older', consistency: 'linearizable', seq: 12 }), v);
      expect(found.map((s) => s.id)).toEqual(expected);
    }
  });

  it('a read that overlaps the write, or follows a restore, sees no loss', () => {
    const v = view();
    v.switches = { preVote: true, checkQuorum: true, bugs: { ...NO_BUGS, ackBeforePersist: true } };
    const watch = new ChallengeWatch();
    watch.observe(call(2, 5), v); // invoked before the put returned
    watch.observe(op({ op: 'put', version: 3, seq: 10 }), v);
    expect(watch.observe(op({ opId: 2, op: 'get', version: 2, consistency: 'linearizable', seq: 12 }), v)).toEqual([]);
    watch.observe({ type: 'kv-reset', seq: 13, time: 13, node: 'n1', reason: 'restore' }, v);
    watch.observe(call(3, 14), v);
    expect(watch.observe(op({ opId: 3, op: 'get', version: 2, consistency: 'linearizable', seq: 15 }), v)).toEqual([]);
  });

  it('every challenge has three hints and an explanation', () => {
    expect(new Set(CHALLENGES.map((c) => c.id)).size).toBe(CHALLENGES.length);
    for (const challenge of CHALLENGES) expect(challenge.hints.every((hint) => hint.length > 20) && challenge.explanation.length > 100).toBe(true);
  });
});
