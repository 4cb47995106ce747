// What a power cut proves that a kill cannot: acknowledged writes survive it only if the nodes
// acknowledged what they had synced. With the ackBeforePersist bug a follower answers before its
// fdatasync; a kill after that answer loses nothing (the page cache has the write), a power cut at
// that fdatasync loses it, and the checkers say so. With the bug off, twenty cuts of a majority under
// load lose no acknowledged write. Real workers, real files.
import { afterEach, describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../shared/check/index.ts';
import { historyOf } from '../../shared/protocol/client-history.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { formedLeader, leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import { runPowerCuts } from '../testing/power-cuts.ts';
import type { Cluster } from './cluster.ts';

const WAIT_MS = 30_000;

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

type Recovered = Extract<ClusterEvent, { type: 'node-recovered' }>;

const life = (view: ClusterView, node: string) => view.nodes.find((n) => n.id === node)?.life;

/** Records every event from now on. */
function record(cluster: Cluster): { events: ClusterEvent[]; stop: () => void } {
  const events: ClusterEvent[] = [];
  const stop = cluster.events.subscribe((event) => void events.push(event));
  return { events, stop };
}

/**
 * Leader L, followers F and G. G is cut off; F's power goes at its next sync; a write goes to L.
 * F answers L before that sync only with the bug. Then L's power is cut too, G comes back, F is
 * restarted: F and G are a majority without the write, and L is restarted last.
 */
async function cutTheMajorityThatHeldAWrite(bug: boolean) {
  lab = startTempCluster({ nodes: 3, ...(bug ? { switches: { bugs: ['ackBeforePersist'] as const } } : {}) });
  const { cluster } = lab;
  const leader = await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
  const [follower, other] = cluster.nodeIds().filter((id) => id !== leader) as [string, string];
  expect(await cluster.execute({ type: 'put', key: 'before', value: 'b' })).toMatchObject({ ok: true });
  await lab.until('every node applied it', formedLeader, WAIT_MS);
  const history = record(cluster);

  expect(await cluster.execute({ type: 'isolate', node: other })).toMatchObject({ ok: true });
  expect(await cluster.execute({ type: 'power-cut', node: follower, at: 'next-sync' })).toEqual({ ok: true, result: { armed: true } });
  const write = cluster.execute({ type: 'put', key: 'promised', value: 'kept?' });
  await lab.until(`${follower}'s power gone`, (view) => life(view, follower) === 'dead', WAIT_MS);
  // With the bug the write is acknowledged: L has it durably, and F's early answer made a majority.
  const acknowledged = bug ? await write : null;
  if (bug) expect(acknowledged).toMatchObject({ ok: true });
  expect(await cluster.execute({ type: 'power-cut', node: leader })).toMatchObject({ ok: true });
  const outcome = acknowledged ?? (await write);
  if (!bug) expect(outcome).toMatchObject({ ok: false }); // never acknowledged: F did not answer before it was gone

  expect(await cluster.execute({ type: 'heal-network' })).toMatchObject({ ok: true });
  expect(await cluster.execute({ type: 'restart', node: follower })).toEqual({ ok: true });
  // F had written the write's entry, not synced it: the cut took it (a kill would have left it).
  const recovered = await lab.until(`${follower} recovered`, () => history.events.find((e): e is Recovered => e.type === 'node-recovered' && e.node === follower), WAIT_MS);
  expect(recovered.log.map((entry) => entry.summary)).not.toContain('put promised');
  const newLeader = await lab.until('a leader among the two', (view) => [follower, other].find((id) => leaderOf(view) === id) ?? null, WAIT_MS);
  expect(await cluster.execute({ type: 'put', key: 'after', value: 'a' })).toMatchObject({ ok: true });
  expect(await cluster.execute({ type: 'restart', node: leader })).toEqual({ ok: true });
  await lab.until('everyone back', formedLeader, WAIT_MS);
  const read = await cluster.execute({ type: 'get', key: 'promised', consistency: 'linearizable', node: newLeader });
  history.stop();
  return { cluster, read, history: history.events };
}

describe('acknowledged writes and power cuts', () => {
  it('ackBeforePersist: a power cut at the follower sync its answer promised loses an acknowledged write, and the checkers catch it', { timeout: 180_000 }, async () => {
    const { cluster, read, history } = await cutTheMajorityThatHeldAWrite(true);
    expect(read).toMatchObject({ ok: true, result: { value: null, version: 0 } });
    const invariants = cluster.checker.violations.map((violation) => violation.invariant);
    expect(invariants).toContain('leader-completeness');
    expect(history.some((event) => event.type === 'violation')).toBe(true);
    const verdict = checkLinearizability(historyOf(history.filter((e) => e.type === 'client-op' || e.type === 'client-call')));
    expect(verdict.ok).toBe(false);
  });

  it('without the bug, the same cut finds nothing to lose: the write was never acknowledged, and the history is linearizable', { timeout: 180_000 }, async () => {
    const { cluster, history } = await cutTheMajorityThatHeldAWrite(false);
    expect(cluster.checker.violations).toEqual([]);
    const verdict = checkLinearizability(historyOf(history.filter((e) => e.type === 'client-op' || e.type === 'client-call')));
    expect(verdict.ok).toBe(true);
  });

  it('without the bug, twenty power cuts of a majority under load lose no acknowledged write', { timeout: 600_000 }, async () => {
    lab = startTempCluster({ nodes: 3 });
    const run = await runPowerCuts(lab, 20, WAIT_MS);
    expect(run.nodeCuts).toBeGreaterThanOrEqual(2 * 20);
    expect(run.bytesLost, 'bytes the cuts found written but not synced').toBeGreaterThan(0);
    expect(run.acknowledged).toBeGreaterThanOrEqual(100);
    expect(run.acknowledgedLost).toEqual([]);
    expect(run.violations).toEqual([]);
    expect(run.linearizability.ok).toBe(true);
  });
});
