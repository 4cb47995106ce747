// A power cut on real nodes (worker threads, real files): a distinct fault from a kill, named so on
// the page; the node comes back from what it had synced, and rejoins.
import { afterEach, describe, expect, it } from 'vitest';
import { describeEvent, describeStop } from '../../shared/protocol/describe-event.ts';
import { formedLeader, nextEvent, startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';

const WAIT_MS = 30_000;

let lab: TempCluster | null = null;
afterEach(async () => {
  await lab?.dispose();
  lab = null;
});

describe('power cut on real nodes', () => {
  it('is not a kill: the page says which, and a cut node comes back with what it synced and rejoins', { timeout: 120_000 }, async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
    const [killed, cut] = cluster.nodeIds().filter((id) => id !== leader) as [string, string];
    for (let i = 0; i < 10; i++) expect(await cluster.execute({ type: 'put', key: `k${i}`, value: `v${i}` })).toMatchObject({ ok: true });
    // The disk panel's numbers: how much of the WAL is synced (the rest a power cut would take).
    expect(await cluster.execute({ type: 'disk', node: leader })).toMatchObject({ ok: true });
    const disk = await lab.until('the leader disk report', (view) => view.nodes.find((node) => node.id === leader)?.disk);
    expect(disk.walUnsyncedBytes).toEqual(expect.any(Number));
    expect(disk.walUnsyncedBytes!).toBeLessThanOrEqual(disk.walBytes);

    const killedEvent = nextEvent(cluster, 'node-killed', killed);
    expect(await cluster.execute({ type: 'kill', node: killed })).toEqual({ ok: true });
    expect(await killedEvent).toMatchObject({ reason: 'killed' });

    const cutEvent = nextEvent(cluster, 'node-killed', cut);
    const answer = await cluster.execute({ type: 'power-cut', node: cut });
    expect(answer).toMatchObject({ ok: true, result: { hardState: 'durable', removed: [], seed: expect.any(Number) } });
    const event = await cutEvent;
    expect(event).toMatchObject({ reason: 'power-cut' });
    // What it says it lost depends on whether a commit-only batch was waiting for a sync.
    expect(describeEvent(event)).toMatch(new RegExp(`^${cut} lost power \\(power cut: unsynced writes lost(; \\d+ B written but not synced were lost \\(.+\\))?\\)$`));
    expect(event.lost).toEqual({ bytes: expect.any(Number), files: expect.any(Array) });
    expect(describeStop('power-cut')).toBe('power cut: unsynced writes lost');
    expect(describeStop('killed')).toMatch(/process crash/);
    expect(cluster.view.nodes.find((node) => node.id === cut)).toMatchObject({ life: 'dead', reason: 'power-cut' });
    expect(cluster.view.nodes.find((node) => node.id === killed)).toMatchObject({ life: 'dead', reason: 'killed' });

    // Both back: what each had synced is there, the leader catches them up, nothing is lost.
    const recovered = nextEvent(cluster, 'node-recovered', cut);
    expect(await cluster.execute({ type: 'restart-all' })).toEqual({ ok: true });
    expect((await recovered).log.at(-1)?.index ?? 0).toBeGreaterThanOrEqual(11);
    // Caught up, and the cut node follows the leader: a linearizable read at it goes through the
    // leader it names (a node that knows none answers not-leader, as it should).
    await lab.until('everyone back, caught up, and the cut node following the leader', (view) => {
      const leader = formedLeader(view);
      return leader !== null && view.nodes.find((node) => node.id === cut)?.leader === leader ? leader : null;
    }, WAIT_MS);
    for (let i = 0; i < 10; i++) expect(await cluster.execute({ type: 'get', key: `k${i}`, consistency: 'linearizable', node: cut })).toMatchObject({ ok: true, result: { value: `v${i}` } });
    expect(await cluster.execute({ type: 'put', key: 'after', value: 'x' })).toMatchObject({ ok: true });
    expect(cluster.checker.violations).toEqual([]);
  });

  it('armed for the next sync, it lands inside a write: the batch is gone, and a torn record is cut and reported on restart', { timeout: 240_000 }, async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
    const follower = cluster.nodeIds().find((id) => id !== leader)!;
    // Each cut tears the unsynced batch with an even chance (a seeded draw): cut until one does.
    let torn: string | null = null;
    for (let round = 0; round < 16 && torn === null; round++) {
      await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
      const down = nextEvent(cluster, 'node-killed', follower);
      expect(await cluster.execute({ type: 'power-cut', node: follower, at: 'next-sync' })).toEqual({ ok: true, result: { armed: true } });
      // Its next sync is this write's: the follower writes the batch and the power goes before its fdatasync.
      expect(await cluster.execute({ type: 'put', key: `round-${round}`, value: 'x'.repeat(200) })).toMatchObject({ ok: true });
      const cut = await down;
      expect(cut).toMatchObject({ reason: 'power-cut' });
      // The event says what the cut took: the batch it wrote and never synced, from its segment.
      expect(cut.lost?.bytes).toBeGreaterThan(0);
      expect(cut.lost?.files.some((file) => /^wal-\d{16}\.log cut back \d+ B/.test(file))).toBe(true);
      expect(describeEvent(cut)).toMatch(/power cut: unsynced writes lost; \d+ B written but not synced were lost \(wal-/);
      expect(cluster.view.nodes.find((node) => node.id === follower)?.powerCutLoss).toEqual(cut.lost);
      const recovered = nextEvent(cluster, 'node-recovered', follower);
      expect(await cluster.execute({ type: 'restart', node: follower })).toEqual({ ok: true });
      const event = await recovered;
      // The write the follower was persisting is not in its log: it had written it, not synced it.
      const summaries = event.log.map((entry) => entry.summary);
      expect(summaries).not.toContain(`put round-${round}`);
      if (round > 0) expect(summaries).toContain(`put round-${round - 1}`);
      torn = event.tornTail;
    }
    expect(torn).toMatch(/^wal-\d{16}\.log: cut \d+ bytes at offset \d+ \(incomplete-(header|record)/);
    await lab.until('the follower caught up', formedLeader, WAIT_MS);
    expect(cluster.checker.violations).toEqual([]);
  });

  it('power loss cuts every node, those already down too, and the cluster comes back whole', { timeout: 120_000 }, async () => {
    lab = startTempCluster({ nodes: 3 });
    const { cluster } = lab;
    const leader = await lab.until('a formedLeader cluster', formedLeader, WAIT_MS);
    for (let i = 0; i < 5; i++) expect(await cluster.execute({ type: 'put', key: `k${i}`, value: `v${i}` })).toMatchObject({ ok: true });
    const down = cluster.nodeIds().find((id) => id !== leader)!;
    expect(await cluster.execute({ type: 'kill', node: down })).toEqual({ ok: true });
    const reasons = new Map<string, string>();
    const off = cluster.events.subscribe((event) => void (event.type === 'node-killed' && reasons.set(event.node, event.reason)));
    expect(await cluster.execute({ type: 'power-loss' })).toEqual({ ok: true });
    off();
    expect(Object.fromEntries(reasons)).toEqual(Object.fromEntries(cluster.nodeIds().map((id) => [id, 'power-cut'])));
    expect(await cluster.execute({ type: 'restart-all' })).toEqual({ ok: true });
    await lab.until('everyone back', formedLeader, WAIT_MS);
    for (let i = 0; i < 5; i++) expect(await cluster.execute({ type: 'get', key: `k${i}`, consistency: 'linearizable' })).toMatchObject({ ok: true, result: { value: `v${i}` } });
    expect(cluster.checker.violations).toEqual([]);
  });
});
