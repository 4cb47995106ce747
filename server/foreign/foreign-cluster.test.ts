// A cluster of foreign processes: their messages cross the lab's bus as data (cuts, hold and step,
// a paused node's door apply), state reports give the ring its roles and feed the invariant
// monitor, and no process outlives a kill or the cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTempCluster, type TempCluster } from '../testing/temp-cluster.ts';
import { parseImplementation } from './implementations.ts';
import { processExists } from './process-probe.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';

/** Every 40 ms each node pings the others (term 1) and answers pings with pongs; n1 reports itself
 *  leader of term 1, the others followers; a node writes its pid to its directory. */
const PING_PONG = `
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
let id, ids;
const send = (dest, body) => process.stdout.write(JSON.stringify({ src: id, dest, body }) + '\\n');
writeFileSync('pid', String(process.pid));
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.body.type === 'init') {
    id = m.body.node_id; ids = m.body.node_ids;
    send(m.src, { type: 'init_ok', in_reply_to: m.body.msg_id });
    const leader = id === 'n1';
    send('raftlab', { type: 'state', role: leader ? 'leader' : 'follower', term: 1, voted_for: 'n1', commit_index: 0, log_terms: leader ? [1] : [] });
    setInterval(() => { for (const peer of ids) if (peer !== id) send(peer, { type: 'ping', term: 1 }); }, 40);
  } else if (m.body.type === 'ping') {
    send(m.src, { type: 'pong', term: 1 });
  }
});`;

const roots: string[] = [];
const clusters: TempCluster[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((lab) => lab.dispose()));
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function foreignCluster(source: string, nodes = 3): { lab: TempCluster; events: ClusterEvent[]; pidOf: (node: string) => number } {
  const root = mkdtempSync(join(tmpdir(), 'raftlab-foreign-impl-'));
  roots.push(root);
  writeFileSync(join(root, 'node.mjs'), source);
  const lab = startTempCluster({ nodes, implementation: parseImplementation(`pp=${join(root, 'node.mjs')}`) });
  clusters.push(lab);
  const events: ClusterEvent[] = [];
  lab.cluster.events.subscribe((event) => void events.push(event));
  const pidOf = (node: string): number => Number(readFileSync(join(lab.dataDir, 'test', node, 'pid'), 'utf8'));
  return { lab, events, pidOf };
}

const sent = (events: readonly ClusterEvent[], kind: string, from: string, to: string) =>
  events.filter((event): event is Extract<ClusterEvent, { type: 'message-sent' }> => event.type === 'message-sent' && event.message.kind === kind && event.message.from === from && event.message.to === to);

describe('a cluster of foreign processes', () => {
  it('routes their messages over the bus by dest, shown by body.type and term; state reports give the ring its leader', async () => {
    const { lab, events } = foreignCluster(PING_PONG);
    await lab.until('all alive', (view) => view.nodes.length === 3 && view.nodes.every((node) => node.life === 'alive'));
    expect(await lab.until('n1 leads', () => lab.cluster.leader())).toBe('n1');
    await lab.until('a pong from n2 to n1', () => sent(events, 'pong', 'n2', 'n1').length > 0);
    const ping = sent(events, 'ping', 'n1', 'n2')[0]!;
    expect(ping.message).toMatchObject({ kind: 'ping', term: 1 });
    expect(ping.message.summary).toBe('n1→n2 {"type":"ping","term":1}');
    const delivered = new Set(events.flatMap((event) => (event.type === 'message-delivered' ? [event.id] : [])));
    await lab.until('the ping delivered', () => delivered.has(ping.message.id) || events.some((e) => e.type === 'message-delivered' && e.id === ping.message.id));
    expect(lab.cluster.view.nodes.find((node) => node.id === 'n1')).toMatchObject({ role: 'leader', term: 1, lastIndex: 1, log: [{ index: 1, term: 1 }] });
  });

  it('a cut link drops what crosses it; hold keeps messages until step delivers one; a paused node is SIGSTOPped and its messages wait at its door', async () => {
    const { lab, events, pidOf } = foreignCluster(PING_PONG);
    await lab.until('all alive', (view) => view.nodes.every((node) => node.life === 'alive') && view.nodes.length === 3);
    expect((await lab.cluster.execute({ type: 'cut-link', from: 'n1', to: 'n2', direction: 'one-way' })).ok).toBe(true);
    const cutAt = events.length;
    await lab.until('a ping n1→n2 dropped on the cut', () => {
      const after = events.slice(cutAt);
      const ids = new Set(sent(after, 'ping', 'n1', 'n2').map((event) => event.message.id));
      return after.some((event) => event.type === 'message-dropped' && ids.has(event.id));
    });
    await lab.cluster.execute({ type: 'heal-network' });

    expect((await lab.cluster.execute({ type: 'hold', held: true })).ok).toBe(true);
    await lab.until('messages waiting on the held bus', () => lab.cluster.bus.inFlight().length >= 3);
    const before = lab.cluster.bus.counters.delivered;
    const stepped = await lab.cluster.execute({ type: 'step' });
    expect(stepped.ok).toBe(true);
    expect(lab.cluster.bus.counters.delivered).toBe(before + 1);
    await lab.cluster.execute({ type: 'hold', held: false });

    expect((await lab.cluster.execute({ type: 'pause-node', node: 'n3' })).ok).toBe(true);
    const pid = pidOf('n3');
    await lab.until('n3 stopped', () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T'));
    await lab.until('pings parked at n3', () => lab.cluster.bus.inFlight().filter((item) => item.to === 'n3').length >= 4);
    const pausedAt = events.length;
    expect((await lab.cluster.execute({ type: 'resume-node', node: 'n3' })).ok).toBe(true);
    await lab.until('n3 answers again', () => sent(events.slice(pausedAt), 'pong', 'n3', 'n1').length > 0);
  });

  it('a kill leaves no process and a restart starts a new one in the same directory; stopping the cluster leaves none', async () => {
    const { lab, pidOf } = foreignCluster(PING_PONG);
    await lab.until('all alive', (view) => view.nodes.every((node) => node.life === 'alive') && view.nodes.length === 3);
    const first = pidOf('n2');
    expect((await lab.cluster.execute({ type: 'kill', node: 'n2' })).ok).toBe(true);
    expect(processExists(first)).toBe(false);
    expect(lab.cluster.view.nodes.find((node) => node.id === 'n2')?.life).toBe('dead');
    expect((await lab.cluster.execute({ type: 'restart', node: 'n2' })).ok).toBe(true);
    await lab.until('n2 alive again', (view) => view.nodes.find((node) => node.id === 'n2')?.life === 'alive');
    const second = pidOf('n2');
    expect(second).not.toBe(first);
    const pids = ['n1', 'n2', 'n3'].map(pidOf);
    expect(pids.every(processExists)).toBe(true);
    await lab.cluster.stop();
    expect(pids.filter(processExists)).toEqual([]);
  });

  it('refuses what a Maelstrom node cannot do, with a clear error', async () => {
    const { lab } = foreignCluster(PING_PONG, 1);
    await lab.until('alive', (view) => view.nodes[0]?.life === 'alive');
    expect(await lab.cluster.execute({ type: 'add-node' })).toMatchObject({ ok: false, code: 'conflict', error: expect.stringMatching(/foreign implementation: adding a node/) });
    expect(await lab.cluster.execute({ type: 'power-cut', node: 'n1' } as never)).toMatchObject({ ok: false, error: expect.stringMatching(/power cut/) });
    expect(await lab.cluster.execute({ type: 'campaign', node: 'n1' })).toMatchObject({ ok: false, error: expect.stringMatching(/not part of Maelstrom's protocol/) });
  });

  it('a node that crashes mid-run is down with its stderr on its card; the others keep running', async () => {
    const crashing = PING_PONG.replace("} else if (m.body.type === 'ping') {", "} else if (m.body.type === 'ping' && id === 'n2') { console.error('Error: term went backwards'); process.exit(7);\n  } else if (m.body.type === 'ping') {");
    const { lab } = foreignCluster(crashing);
    const n2 = await lab.until('n2 down', (view) => view.nodes.find((node) => node.id === 'n2' && node.life === 'dead'));
    expect(n2.reason).toMatch(/crashed: exited with code 7; its stderr ended with:\nError: term went backwards/);
    expect(existsSync(join(lab.dataDir, 'test', 'n2', 'pid'))).toBe(true);
    await lab.until('n1 and n3 alive', (view) => view.nodes.filter((node) => node.life === 'alive').length === 2);
  });

  it('the invariant monitor judges what foreign nodes report: two leaders of one term is a violation', async () => {
    const { lab } = foreignCluster(PING_PONG.replace("const leader = id === 'n1';", "const leader = id === 'n1' || id === 'n3';"));
    const violation = await lab.until('a violation', (view) => view.violations[0]);
    expect(violation.invariant).toBe('election-safety');
    expect(violation.explanation).toMatch(/Two leaders in term 1: n[13] and n[13]/);
  });
});
