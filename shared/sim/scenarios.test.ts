// Every scenario of the library, run in the simulator: the same script the tours and the real-node
// tests run (server/scenarios), on simulated machines in virtual time, judged by the same
// expectations. Each runs under a few seeds and three network shapes: the production profile the
// real-node tests use (no added latency), a worker hop of a few ms, and the teaching profile's
// 25 ± 10 ms. Also: a seed replays to the same event sequence, and every event is one the
// protocol's schema accepts (the simulator speaks the real runtime's language, not a dialect).
import { describe, expect, it } from 'vitest';
import { clusterEventSchema } from '../protocol/events.ts';
import { clusterViewSchema } from '../protocol/views.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { describeReports, ScenarioRun } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/types.ts';
import { SimCluster, simOptionsFor } from './sim-cluster.ts';

const SHAPES = [
  { name: 'production', latencyMs: 0, jitterMs: 0, seeds: [1, 2, 3] },
  { name: 'worker hop', latencyMs: 2, jitterMs: 3, seeds: [1, 2, 3] },
  { name: 'teaching', latencyMs: 25, jitterMs: 10, seeds: [1, 2] },
] as const;

async function runScenario(scenario: Scenario, seed: number, network: { latencyMs: number; jitterMs: number } = { latencyMs: 0, jitterMs: 0 }) {
  const cluster = new SimCluster({ ...simOptionsFor(scenario, seed), ...network });
  const reports = await new ScenarioRun(scenario, cluster).runAll();
  return { ok: reports.length === scenario.steps.length && reports.every((r) => r.ok), text: describeReports(reports), cluster };
}

describe('scenarios in the simulator', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: ${scenario.title}`, async () => {
      for (const shape of SHAPES) {
        for (const seed of shape.seeds) {
          const run = await runScenario(scenario, seed, shape);
          expect(run.ok, `${shape.name} network, seed ${seed} (npm run sim -- --scenario ${scenario.id} --seed ${seed} --latency ${shape.latencyMs} --jitter ${shape.jitterMs}):\n${run.text}`).toBe(true);
        }
      }
    });
  }
});

describe('the simulated scenario cluster', () => {
  it('replays a seed to the same event sequence', async () => {
    const scenario = SCENARIOS.find((s) => s.id === 'network-partition')!;
    const network = { latencyMs: 2, jitterMs: 3 };
    const a = await runScenario(scenario, 7, network);
    const b = await runScenario(scenario, 7, network);
    const events = (run: { cluster: SimCluster }): string => JSON.stringify(run.cluster.history());
    expect(a.cluster.history().length).toBeGreaterThan(100);
    expect(events(a)).toBe(events(b));
    expect(events(await runScenario(scenario, 8, network))).not.toBe(events(a));
  });

  it('emits only events and a view the protocol schema accepts', async () => {
    const types = new Set<string>();
    for (const id of ['membership', 'crash-recovery', 'snapshots', 'figure-8', 'network-partition']) {
      const { cluster } = await runScenario(SCENARIOS.find((s) => s.id === id)!, 1, { latencyMs: 2, jitterMs: 3 });
      for (const event of cluster.history()) {
        const parsed = clusterEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
        expect(parsed.success, `${id}: ${JSON.stringify(event).slice(0, 300)}\n${parsed.error?.message ?? ''}`).toBe(true);
        types.add(event.type);
      }
      expect(clusterViewSchema.safeParse(JSON.parse(JSON.stringify(cluster.view()))).success).toBe(true);
    }
    const expected = ['node-added', 'node-starting', 'node-recovered', 'node-status', 'node-killed', 'node-removed', 'node-paused', 'node-disk', 'log-appended', 'log-truncated',
      'kv-applied', 'kv-reset', 'snapshot', 'message-sent', 'message-delivered', 'message-dropped', 'network', 'switches', 'clock', 'client-call', 'client-op', 'violation'];
    expect([...types].sort()).toEqual(expect.arrayContaining(expected));
  });

  it('refuses commands it does not simulate, with the real error shapes', async () => {
    const cluster = new SimCluster({ seed: 1, nodes: 3 });
    expect(await cluster.execute({ type: 'clock', paused: true })).toMatchObject({ ok: false, code: 'bad-request', error: expect.stringMatching(/not supported in the simulator/) });
    expect(await cluster.execute({ type: 'kill', node: 'n9' })).toMatchObject({ ok: false, code: 'not-found' });
    expect(await cluster.execute({ type: 'tear-tail', node: 'n2' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await cluster.execute({ type: 'snapshot-restore' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'v' })).toMatchObject({ ok: true, result: { node: 'n1' } });
  });

  it('cuts the power as the lab does: every node stops as a power cut, a down one too, and the cluster comes back whole', async () => {
    const cluster = new SimCluster({ seed: 2, nodes: 3 });
    for (let i = 0; i < 3; i++) expect(await cluster.execute({ type: 'put', key: `k${i}`, value: 'v' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'kill', node: 'n3' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'power-loss' })).toMatchObject({ ok: true });
    const cuts = cluster.history().filter((event) => event.type === 'node-killed' && event.reason === 'power-cut').map((event) => (event as { node: string }).node);
    expect(cuts.sort()).toEqual(['n1', 'n2', 'n3']);
    // (What each memory disk keeps through a cut, byte for byte, is memory-disk.test.ts's.)
    expect(await cluster.execute({ type: 'restart-all' })).toMatchObject({ ok: true });
    expect(await cluster.execute({ type: 'get', key: 'k2', consistency: 'linearizable' })).toMatchObject({ ok: true, result: { value: 'v' } });
  });

  it('inspects a message waiting at a paused node\'s door as parked, as the lab does', async () => {
    const cluster = new SimCluster({ seed: 3, nodes: 3, latencyMs: 5 });
    expect(await cluster.execute({ type: 'put', key: 'k', value: 'v' })).toMatchObject({ ok: true });
    const follower = cluster.nodeIds().find((id) => id !== cluster.leader())!;
    expect(await cluster.execute({ type: 'pause-node', node: follower })).toMatchObject({ ok: true });
    const sentBefore = new Set(cluster.view().inFlight.map((message) => message.id));
    // Heartbeats reach the paused follower and wait at its door.
    await cluster.waitUntil(() => cluster.view().inFlight.some((m) => m.to === follower && !sentBefore.has(m.id) && m.deliverAt < cluster.view().clock.now), 2_000);
    const waiting = cluster.view().inFlight.find((m) => m.to === follower && !sentBefore.has(m.id) && m.deliverAt < cluster.view().clock.now)!;
    expect(await cluster.execute({ type: 'inspect-message', id: waiting.id })).toMatchObject({ ok: true, result: { state: 'parked', summary: waiting.summary } });
    expect(await cluster.execute({ type: 'inspect-message', id: 999_999 })).toMatchObject({ ok: false, code: 'not-found' });
  });
});
