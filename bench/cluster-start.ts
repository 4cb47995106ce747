// Cluster start as a test fixture pays it (issue 20): a server already running (the built one, as
// `npm start` and an installed raftlab/testing run it), a test asks for a fresh 3-node production
// cluster (POST /api/clusters), waits until it has formed (every node alive and a voter, what
// LabCluster.create waits for) and writes once. Prints the wall time of each step and, from the
// cluster's own event stream (virtual ms since the cluster was made; at 1× the same as real ms),
// where the time goes: workers booting and recovering their disks, the first election, the joins.
// Numbers only; never passes or fails on a time.
//
//   npm run build && npx tsx bench/cluster-start.ts [--runs 20] [--nodes 3]
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { applyEvent, serverFrameSchema, type ClusterView } from '../shared/protocol/index.ts';
import { formed } from '../testing/lab/cluster-state.ts';
import { startRaftlab } from './systems.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, nodes: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);
const NODES = Number(values.nodes);

const server = await startRaftlab('dist/server', 1);
const url = `http://127.0.0.1:${server.port}`;

interface Phases {
  created: number;
  formed: number;
  written: number;
  /** From the cluster's events: virtual ms since it was made. */
  lastRecovered: number;
  firstLeader: number;
  formedAt: number;
}

async function once(run: number): Promise<Phases> {
  const name = `start-${run}`;
  const started = performance.now();
  const response = await fetch(`${url}/api/clusters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: NODES, profile: 'production', name }) });
  if (!response.ok) throw new Error(`create: ${response.status} ${await response.text()}`);
  const { result } = (await response.json()) as { result: { token: string } };
  const created = performance.now() - started;
  // The page's own stream: the welcome's view, then every event folded into it as the page does.
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/clusters/${name}/live`, { headers: { 'x-vault-token': result.token } });
  let view: ClusterView | null = null;
  let lastRecovered = NaN;
  let firstLeader = NaN;
  let formedAt = NaN;
  const formedMs = await new Promise<number>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('message', (data) => {
      const frame = serverFrameSchema.parse(JSON.parse(data.toString()));
      if (frame.type === 'welcome') view = frame.view;
      if (frame.type !== 'events' || view === null) return;
      for (const event of frame.events) {
        applyEvent(view, event);
        if (event.type === 'node-recovered') lastRecovered = event.time;
        if (event.type === 'node-status' && event.status.role === 'leader' && Number.isNaN(firstLeader)) firstLeader = event.time;
        if (Number.isNaN(formedAt) && view.nodes.length === NODES && formed(view)) {
          formedAt = event.time;
          resolve(performance.now() - started);
        }
      }
    });
  });
  socket.close();
  const put = await fetch(`${url}/api/clusters/${name}/kv/first`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-vault-token': result.token }, body: JSON.stringify({ value: 'up' }) });
  if (!put.ok) throw new Error(`first write: ${put.status} ${await put.text()}`);
  const written = performance.now() - started;
  await fetch(`${url}/api/clusters/${name}`, { method: 'DELETE', headers: { 'x-vault-token': result.token } });
  return { created, formed: formedMs, written, lastRecovered, firstLeader, formedAt };
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

await once(-1); // warm up: the first worker loads the bundle from disk
const runs: Phases[] = [];
for (let run = 0; run < RUNS; run++) runs.push(await once(run));
await server.stop();

const row = (label: string, pick: (phases: Phases) => number): string => {
  const values = runs.map(pick);
  return `  ${label.padEnd(52)} p50 ${percentile(values, 50).toFixed(0).padStart(4)} ms   p90 ${percentile(values, 90).toFixed(0).padStart(4)} ms   max ${Math.max(...values).toFixed(0).padStart(4)} ms`;
};
console.log(`cluster start, ${NODES} nodes, production profile, ${RUNS} runs on a running server (a test fixture's per-test cost):`);
console.log(row('POST /api/clusters answered', (p) => p.created));
console.log(row('formed (every node alive and a voter)', (p) => p.formed));
console.log(row('first write committed (spawn → first commit)', (p) => p.written));
console.log('  where the time goes (the cluster’s own event times):');
console.log(row('  every worker booted and recovered its disk', (p) => p.lastRecovered));
console.log(row('  first leader elected', (p) => p.firstLeader));
console.log(row('  every node a voter (joins, one membership change each)', (p) => p.formedAt - p.firstLeader));
console.log(row('  formed → first write committed (the request)', (p) => p.written - p.formed));
