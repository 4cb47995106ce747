// The chaos autopilot on real nodes: it breaks things, the cluster stays safe, the clients' history
// is linearizable, and stopping it leaves the cluster whole.
import { afterEach, expect, it } from 'vitest';
import { historyOf } from '../../shared/protocol/client-history.ts';
import { checkLinearizability } from '../../shared/check/index.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import { leaderOf, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

it('chaos under load: faults happen, nothing unsafe, a linearizable history, and a whole cluster after', { timeout: 120_000 }, async () => {
  lab = startTempCluster({ nodes: 5 });
  const { cluster } = lab;
  await lab.until('a formed cluster', (view) => view.nodes.find((n) => n.id === leaderOf(view))?.config.voters.length === 5);
  // The whole client history, recorded here: the server keeps only a bounded tail of its events.
  const events: ClusterEvent[] = [];
  cluster.events.subscribe((event) => {
    if (event.type === 'client-op' || event.type === 'client-call') events.push(event);
  });
  expect(await cluster.execute({ type: 'chaos', running: true })).toEqual({ ok: true, result: { running: true } });
  await lab.until('a dozen faults', (view) => view.chaos.actions >= 12, 90_000);
  expect(await cluster.execute({ type: 'chaos', running: false })).toEqual({ ok: true, result: { running: false } });

  expect(events.filter((e) => e.type === 'client-op' && e.outcome === 'ok').length).toBeGreaterThan(10);
  expect(cluster.view.violations).toEqual([]);
  const verdict = checkLinearizability(historyOf(events));
  expect(verdict.ok, JSON.stringify(verdict).slice(0, 500)).toBe(true);

  // Stopping restarts what chaos killed; they come back after reading their disks.
  await lab.until('every node back', (v) => v.nodes.every((n) => n.life === 'alive'));
  const view = cluster.view;
  expect(view.network?.partition).toBeNull();
  expect(view.network?.defaults.loss).toBe(0);
  expect(await cluster.execute({ type: 'put', key: 'after-chaos', value: 'calm' })).toMatchObject({ ok: true });
});
