// The bus's hard cap on one sender's queued messages, on real processes: a foreign node flooding
// within the flood gate's rate and burst (6,000 pings at once) with the bus on hold piles up no more
// than the cap, the rest is counted and said on its card, and the lab answers commands meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../cluster/cluster.ts';
import { DEFAULT_QUOTA } from '../../shared/host/sender-quota.ts';
import { parseImplementation } from './implementations.ts';
import { until } from './grader/battery.ts';
import { pingPongProgram } from './ping-pong-program.ts';

const PINGS = 6_000;
const dirs: string[] = [];
const clusters: Cluster[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the bus's cap on a foreign node's queued messages", () => {
  it('with the bus on hold, a flood stops at the cap, the drops are counted on the card, and the lab stays responsive', async () => {
    expect(PINGS).toBeGreaterThan(2 * DEFAULT_QUOTA.messages);
    const dir = mkdtempSync(join(tmpdir(), 'raftlab-bus-cap-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'ping-pong.mjs'), pingPongProgram(PINGS));
    const cluster = new Cluster({ name: 'cap', nodes: 2, profile: 'production', dataDir: dir, implementation: parseImplementation(`pingpong=${join(dir, 'ping-pong.mjs')}`) });
    clusters.push(cluster);
    // The most of n1's messages the page's view ever held, looked at after every event.
    let most = 0;
    cluster.events.subscribe(() => {
      most = Math.max(most, cluster.view.inFlight.filter((message) => message.from === 'n1').length);
    });
    cluster.start();
    expect((await cluster.execute({ type: 'hold', held: true })).ok).toBe(true);
    expect(await until(cluster, (view) => view.nodes.length === 2 && view.nodes.every((node) => node.life === 'alive'), 30_000)).toBe(true);

    const capped = await until(cluster, () => cluster.bus.counters.capped >= PINGS - DEFAULT_QUOTA.messages, 30_000);
    expect(capped, `capped ${cluster.bus.counters.capped}`).toBe(true);
    expect(cluster.bus.quota.queued('n1')).toBe(DEFAULT_QUOTA.messages);
    expect(cluster.bus.inFlight().filter((message) => message.from === 'n1')).toHaveLength(DEFAULT_QUOTA.messages);
    const note = await until(cluster, (view) => view.nodes.find((node) => node.id === 'n1')?.note?.match(/reached its cap of messages queued on the bus .*: (\d+) of its messages were dropped/), 10_000);
    expect(note, 'the card says so').not.toBeNull();
    expect(Number(note![1])).toBeGreaterThan(0);
    expect(Number(note![1])).toBeLessThanOrEqual(cluster.bus.counters.capped);

    // Responsive: commands are answered, the hold ends, and the pings that were kept flow.
    expect((await cluster.execute({ type: 'network', settings: { latency: 5 } })).ok).toBe(true);
    const delivered = cluster.bus.counters.delivered;
    expect((await cluster.execute({ type: 'hold', held: false })).ok).toBe(true);
    expect(await until(cluster, () => cluster.bus.counters.delivered > delivered + DEFAULT_QUOTA.messages, 30_000)).toBe(true);
    expect(most).toBeLessThanOrEqual(DEFAULT_QUOTA.messages);
    expect(most).toBe(DEFAULT_QUOTA.messages);
  }, 90_000);
});
