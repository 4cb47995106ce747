// Where a failover's time goes (issue 20's 3-node tail): the built server, a production cluster
// under closed-loop writers; the leader is killed again and again, and each failover is split by
// the cluster's own events (read over the page's WebSocket; virtual ms, the same as real at 1×):
// the kill → the first campaign (a follower's election timer running out), → a leader in a new
// term (pre-vote and vote rounds, split votes), → the first write it acknowledges. Numbers only.
//
//   npm run build && npx tsx bench/failover-phases.ts [--nodes 3] [--kills 20] [--writers 64]
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { serverFrameSchema, type ClusterEvent } from '../shared/protocol/index.ts';
import { sleep, startRaftlab, TOKEN } from './systems.ts';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, kills: { type: 'string', default: '20' }, writers: { type: 'string', default: '64' } } });
const NODES = Number(values.nodes);
const KILLS = Number(values.kills);
const WRITERS = Number(values.writers);

const server = await startRaftlab('dist/server', NODES);
const url = `http://127.0.0.1:${server.port}`;
const headers = { 'content-type': 'application/json', 'x-vault-token': TOKEN };
const command = (body: unknown) => fetch(`${url}/api/clusters/default/commands`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ ok: boolean; result?: Record<string, unknown> }>);

// Every event of the cluster, as the page gets them.
const events: ClusterEvent[] = [];
const socket = new WebSocket(`${url.replace('http', 'ws')}/api/clusters/default/live`, { headers: { 'x-vault-token': TOKEN } });
socket.on('message', (data) => {
  const frame = serverFrameSchema.parse(JSON.parse(data.toString()));
  if (frame.type === 'events') events.push(...frame.events);
});
await new Promise((resolve) => socket.once('open', resolve));

let writing = true;
const writers = Array.from({ length: WRITERS }, async (_, writer) => {
  for (let n = 0; writing; n++) {
    const answer = await fetch(`${url}/api/clusters/default/kv/fp-${writer}`, { method: 'PUT', headers, body: JSON.stringify({ value: String(n) }) }).catch(() => null);
    if (!answer?.ok) await sleep(5);
    else await answer.arrayBuffer();
  }
});

const view = () => server.nodes();
interface Split {
  toCampaign: number;
  toLeader: number;
  toAck: number;
  total: number;
  rounds: number;
}
const splits: Split[] = [];
for (let kill = 0; kill < KILLS; kill++) {
  for (let wait = 0; wait < 200; wait++) {
    const nodes = await view();
    const leader = nodes.find((n) => n.role === 'leader' && n.life === 'alive');
    if (leader && nodes.every((n) => n.life === 'alive' && leader.commit - n.commit < 200)) break;
    await sleep(25);
  }
  await sleep(150);
  const leader = (await view()).filter((n) => n.role === 'leader' && n.life === 'alive').sort((a, b) => b.term - a.term)[0];
  if (!leader) continue;
  const from = events.length;
  await command({ type: 'kill', node: leader.id });
  await sleep(1500);
  const after = events.slice(from);
  const killed = after.find((e) => e.type === 'node-killed' && e.node === leader.id);
  const campaign = after.find((e) => e.type === 'node-status' && e.node !== leader.id && (e.status.role === 'pre-candidate' || e.status.role === 'candidate'));
  const elected = after.find((e) => e.type === 'node-status' && e.status.role === 'leader' && e.status.term > leader.term);
  const ack = elected && after.find((e) => e.type === 'client-op' && e.outcome === 'ok' && e.op === 'put' && e.node === (elected as { node: string }).node && e.time >= elected.time);
  const terms = new Set(after.filter((e) => e.type === 'node-status' && e.status.role === 'candidate').map((e) => (e as { status: { term: number } }).status.term));
  if (killed && campaign && elected && ack) {
    splits.push({ toCampaign: campaign.time - killed.time, toLeader: elected.time - campaign.time, toAck: ack.time - elected.time, total: ack.time - killed.time, rounds: Math.max(1, terms.size) });
  }
  await command({ type: 'restart', node: leader.id });
  process.stdout.write(`\r  kill ${kill + 1}/${KILLS}`);
}
console.log();
writing = false;
await Promise.all(writers);
socket.close();
await server.stop();

const percentile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const row = (label: string, pick: (s: Split) => number) => {
  const xs = splits.map(pick);
  console.log(`  ${label.padEnd(46)} p50 ${percentile(xs, 50).toFixed(0).padStart(4)} ms   p90 ${percentile(xs, 90).toFixed(0).padStart(4)} ms   max ${Math.max(...xs).toFixed(0).padStart(4)} ms`);
};
console.log(`failover phases, ${NODES} nodes, production profile, ${WRITERS} writers, ${splits.length} of ${KILLS} kills split (the cluster's own event times):`);
row('kill → a follower campaigns (its timeout)', (s) => s.toCampaign);
row('campaign → a leader in a new term (votes)', (s) => s.toLeader);
row('leader → its first acknowledged write', (s) => s.toAck);
row('kill → first write acknowledged by it', (s) => s.total);
console.log(`  failovers that needed more than one vote round (a split vote or a lost race): ${splits.filter((s) => s.rounds > 1).length} of ${splits.length}`);
