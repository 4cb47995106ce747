// Power cuts under a steady write load, on real nodes: one cut round after another (a follower's
// power at its next sync or at once, then the leader's; every fourth round the whole cluster), each
// followed by restart-all and a wait for a leader. Then every acknowledged write is read back. The
// test (20 rounds) and the benchmark (bench/power-cuts.ts, 100 rounds) run this same loop.
import { checkLinearizability, type LinearizabilityResult, type Violation } from '../../shared/check/index.ts';
import { historyOf } from '../../shared/protocol/client-history.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import type { ClusterView } from '../../shared/protocol/views.ts';
import { formedLeader, leaderOf, type TempCluster } from './temp-cluster.ts';
import { startWriteLoad } from './write-load.ts';

export interface PowerCutRun {
  /** Nodes whose power was cut, counted one by one. */
  readonly nodeCuts: number;
  /** Bytes the cuts found written but not yet synced (and dropped). */
  readonly bytesLost: number;
  readonly acknowledged: number;
  /** Acknowledged writes a linearizable read no longer finds (must be 0). */
  readonly acknowledgedLost: readonly string[];
  /** Real ms from restart-all to the next acknowledged write, per round. */
  readonly recoveryMs: readonly number[];
  readonly violations: readonly Violation[];
  readonly linearizability: LinearizabilityResult;
}

const life = (view: ClusterView, node: string) => view.nodes.find((n) => n.id === node)?.life;

export async function runPowerCuts(lab: TempCluster, rounds: number, waitMs = 30_000): Promise<PowerCutRun> {
  const { cluster } = lab;
  await lab.until('a formed cluster', formedLeader, waitMs);
  const events: ClusterEvent[] = [];
  const unsubscribe = cluster.events.subscribe((event) => void events.push(event));
  const load = startWriteLoad(cluster);
  let bytesLost = 0;
  const recoveryMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await load.acknowledgedAtLeast(5 * (round + 1));
    const leader = await lab.until('a leader', leaderOf, waitMs);
    const follower = cluster.nodeIds().find((id) => id !== leader && life(cluster.view, id) === 'alive')!;
    if (round % 4 === 3) {
      bytesLost += lostBytes(await cluster.execute({ type: 'power-loss' })); // every node at once
    } else {
      // The follower's power goes inside one of its writes, or at once; then the leader's.
      bytesLost += lostBytes(await cluster.execute({ type: 'power-cut', node: follower, at: round % 2 === 0 ? 'next-sync' : 'now' }));
      await lab.until(`${follower} down`, (view) => life(view, follower) === 'dead', waitMs);
      bytesLost += lostBytes(await cluster.execute({ type: 'power-cut', node: leader }));
    }
    const restartedAt = performance.now();
    const acknowledgedBefore = load.acknowledgedCount();
    const restarted = await cluster.execute({ type: 'restart-all' });
    if (!restarted.ok) throw new Error(`restart-all failed: ${restarted.error}`);
    await lab.until('every node back with a leader', (view) => view.nodes.every((node) => node.life === 'alive') && leaderOf(view) !== null, waitMs);
    await load.acknowledgedAtLeast(acknowledgedBefore + 1);
    recoveryMs.push(performance.now() - restartedAt);
  }
  const result = await load.stop();
  await lab.until('everyone caught up', formedLeader, waitMs);
  unsubscribe();
  const acknowledgedLost: string[] = [];
  for (const [key, value] of result.acknowledged) {
    const read = await cluster.execute({ type: 'get', key, consistency: 'linearizable' });
    if (!read.ok || read.result?.['value'] !== value) acknowledgedLost.push(key);
  }
  return {
    nodeCuts: events.filter((event) => event.type === 'node-killed' && event.reason === 'power-cut').length,
    bytesLost,
    acknowledged: result.acknowledged.size,
    acknowledgedLost,
    recoveryMs,
    violations: [...cluster.checker.violations],
    linearizability: checkLinearizability(historyOf(events.filter((e) => e.type === 'client-op' || e.type === 'client-call'))),
  };
}

/** The bytes a power cut's answer says it dropped (0 for an armed cut, which reports on its exit). */
function lostBytes(answer: { ok: boolean; result?: Record<string, unknown> }): number {
  return typeof answer.result?.['bytesLost'] === 'number' ? answer.result['bytesLost'] : 0;
}
