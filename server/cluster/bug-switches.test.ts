// Bug switches on real nodes (worker threads, real files): each bug, turned on with the lab's own
// `switches` command and driven into the one situation it gets wrong, must make the live checker
// name the property it breaks. commitByCounting has its tour (the figure-8 scenario); these are
// the others. ackBeforePersist is not here: on real nodes the early send and the write that would
// make it good happen in one synchronous turn of the worker, and a kill (worker.terminate) leaves
// everything written in the page cache; a power cut at the node's next sync catches it
// (power-cut-acks.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { BugName } from '../../shared/raft/index.ts';
import { formedLeader, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import type { Cluster } from './cluster.ts';

/** Real milliseconds any one wait may take: generous, for a machine busy with other tests. */
const WAIT_MS = 30_000;

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

/** The first violation the live checker reports from now on (subscribe before acting). */
function firstViolation(cluster: Cluster): Promise<{ invariant: string; explanation: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the live checker reported no violation within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const off = cluster.events.subscribe((event) => {
      if (event.type !== 'violation') return;
      clearTimeout(timer);
      off();
      resolve({ invariant: event.invariant, explanation: event.explanation });
    });
  });
}

/** The term and vote in a node's hard-state file, as its worker reads them from disk. */
async function storedHardState(cluster: Cluster, node: string): Promise<{ term: unknown; vote: unknown }> {
  const answer = await cluster.execute({ type: 'disk', node });
  if (!answer.ok) throw new Error(`disk ${node}: ${answer.error}`);
  const disk = answer.result?.['disk'];
  const hardState = typeof disk === 'object' && disk !== null && 'hardState' in disk ? disk.hardState : undefined;
  if (typeof hardState !== 'object' || hardState === null || !('term' in hardState) || !('vote' in hardState)) throw new Error(`disk ${node}: no hard state in ${JSON.stringify(disk)}`);
  return { term: hardState.term, vote: hardState.vote };
}

async function switchOn(cluster: Cluster, bug: BugName, protections: { checkQuorum?: boolean } = {}): Promise<void> {
  const result = await cluster.execute({ type: 'switches', ...protections, bugs: { [bug]: true } });
  expect(result).toMatchObject({ ok: true, result: { switches: { bugs: { [bug]: true } } } });
}

describe('bug switches on real nodes: the live checker names what each breaks', () => {
  it('forgetVoteOnRestart: a voter restarted in the term it voted in forgets the vote (single-vote)', { timeout: 120_000 }, async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const oldLeader = await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
    await switchOn(cluster, 'forgetVoteOnRestart');
    // A new term whose votes we know: hand leadership to a follower (TimeoutNow passes the lease,
    // so pre-vote and check-quorum stay on). Each vote is on disk before it is sent.
    const candidate = cluster.nodeIds().find((id) => id !== oldLeader)!;
    expect(await cluster.execute({ type: 'transfer-leadership', to: candidate })).toMatchObject({ ok: true });
    const term = cluster.view.nodes.find((node) => node.id === candidate)!.term;
    let voter: string | null = null;
    for (const id of cluster.nodeIds().filter((n) => n !== candidate)) {
      const stored = await storedHardState(cluster, id);
      if (stored.term === term && stored.vote === candidate) voter = id;
    }
    expect(voter, `a node whose disk holds its vote for ${candidate} in term ${term}`).not.toBeNull();

    const violation = firstViolation(cluster);
    await cluster.execute({ type: 'kill', node: voter! });
    await lab.until(`${voter} down`, (view) => view.nodes.find((node) => node.id === voter)?.life === 'dead', WAIT_MS);
    expect(await cluster.execute({ type: 'restart', node: voter! })).toMatchObject({ ok: true });
    await lab.until(`${voter} back`, (view) => view.nodes.find((node) => node.id === voter)?.life === 'alive', WAIT_MS);
    // A commit moves the restarted node's hard state, so it stores again what it now believes of
    // this term: with the bug, that it voted for nobody.
    expect(await cluster.execute({ type: 'put', key: 'after-restart', value: 'x' })).toMatchObject({ ok: true });
    expect(await violation).toMatchObject({ invariant: 'single-vote', explanation: expect.stringContaining(`${voter} voted for ${candidate}`) });
  });

  it('grantVoteWithoutLogCheck: a node that missed commits is elected anyway (leader-completeness)', { timeout: 120_000 }, async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
    // Check-quorum off: with it, a follower hearing from its leader ignores any vote request, so the
    // bug could not show. Pre-vote stays on (the bug fools it too).
    await switchOn(cluster, 'grantVoteWithoutLogCheck', { checkQuorum: false });
    const [behind, voter] = cluster.nodeIds().filter((id) => id !== leader) as [string, string];
    for (const other of [leader, voter]) expect(await cluster.execute({ type: 'cut-link', from: behind, to: other, direction: 'both' })).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) expect(await cluster.execute({ type: 'put', key: `missed-${i}`, value: `${i}` })).toMatchObject({ ok: true });
    await lab.until(`${behind} missing committed entries`, (view) => {
      const commit = view.nodes.find((node) => node.id === leader)?.commit ?? 0;
      return (view.nodes.find((node) => node.id === behind)?.lastIndex ?? Infinity) < commit;
    }, WAIT_MS);

    // The lagging node may reach both, but hears only the voter: the leader cannot catch it up.
    const violation = firstViolation(cluster);
    expect(await cluster.execute({ type: 'heal-link', from: behind, to: voter, direction: 'both' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'heal-link', from: behind, to: leader, direction: 'one-way' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'campaign', node: behind })).toMatchObject({ ok: true });
    expect(await violation).toMatchObject({ invariant: 'leader-completeness', explanation: expect.stringContaining(`${behind} is leader`) });
  });
});
