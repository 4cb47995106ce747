// Failover under load: kill the leader of a loaded cluster again and again, time until a new leader
// acknowledges a write, and read back every acknowledged write at the end (bench/run.ts runs it).
import { percentile } from './load.ts';
import { ms, n0, say, table } from './report.ts';
import { call, sleep, startRaftlab } from './systems.ts';

const FAILOVER_RUNS = [
  { nodes: 3, writers: 8 },
  { nodes: 3, writers: 64 },
  { nodes: 5, writers: 64 },
  { nodes: 7, writers: 64 },
] as const;

/** `build`: the built server to start; `kills`: leader kills per row. */
export async function sectionFailover(build: string, kills: number): Promise<void> {
  say('## Failover under load');
  say();
  say(`Production profile (elections 150–300 ms, 10 ms ticks), closed-loop writers; ${kills} times per row: wait until every node is alive and caught up, ` +
    `kill the leader (worker terminated), time until the first write acknowledged by a new leader (new term or other node), restart the dead node.`);
  say();
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const run of FAILOVER_RUNS) {
    const measured = await measureFailover(build, kills, run.nodes, run.writers);
    rows.push(measured.row);
    if (measured.errorKinds) notes.push(`${run.nodes} nodes, ${run.writers} writers: ${measured.errorKinds}`);
  }
  table(['nodes', 'writers', 'kills', 'failover p50 ms', 'p99 ms', 'max ms', 'no new leader in 5 s', 'writes acked', 'write errors', 'acked writes lost'], rows);
  if (notes.length > 0) say(`Write errors by code: ${notes.join('; ')}.`);
  say();
}

async function measureFailover(build: string, kills: number, nodeCount: number, writers: number): Promise<{ row: string[]; errorKinds: string }> {
  const server = await startRaftlab(build, nodeCount);
  // Per client: the last acknowledged write number and how many were acknowledged.
  const acked = Array.from({ length: writers }, () => ({ last: -1, count: 0 }));
  let stopWriting = false;
  let errors = 0;
  const errorKinds = new Map<string, number>();
  type Ack = { doneAt: number; node: string; term: number };
  let onAck: ((ack: Ack) => void) | null = null;
  const writer = async (c: number): Promise<void> => {
    for (let n = 0; !stopWriting; n++) {
      const answer = await call(server.port, 'PUT', `/api/clusters/default/kv/fo-${c}`, { value: `${c}:${n}` }, 15_000).catch((e: Error) => ({ status: 0, body: { code: e.message } }));
      const doneAt = performance.now();
      if (answer.status === 200) {
        acked[c]!.last = n;
        acked[c]!.count += 1;
        const result = answer.body.result ?? {};
        onAck?.({ doneAt, node: String(result.node ?? ''), term: Number(result.term ?? 0) });
      } else {
        errors += 1;
        const kind = String(answer.body?.code ?? answer.status);
        errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
        await sleep(5);
      }
    }
  };
  const failovers: number[] = [];
  let missed = 0;
  const running = Array.from({ length: writers }, (_, c) => writer(c));
  try {
    await sleep(500);
    for (let kill = 0; kill < kills; kill++) {
      // Every node alive and caught up before the next kill.
      for (let wait = 0; wait < 200; wait++) {
        const nodes = await server.nodes();
        const leader = nodes.find((n) => n.role === 'leader' && n.life === 'alive');
        if (leader && nodes.every((n) => n.life === 'alive' && leader.commit - n.commit < 50)) break;
        await sleep(25);
      }
      await sleep(150);
      const leader = await server.leader();
      if (!leader) {
        missed += 1;
        continue;
      }
      const firstOnNewLeader = new Promise<number>((resolve) => {
        const timer = setTimeout(() => resolve(NaN), 5000);
        onAck = (ack) => {
          if (ack.doneAt >= killedAt && (ack.term > leader.term || ack.node !== leader.id)) {
            clearTimeout(timer);
            onAck = null;
            resolve(ack.doneAt - killedAt);
          }
        };
      });
      const killedAt = performance.now();
      await call(server.port, 'POST', '/api/clusters/default/commands', { type: 'kill', node: leader.id });
      const took = await firstOnNewLeader;
      if (Number.isFinite(took)) failovers.push(took);
      else missed += 1;
      await call(server.port, 'POST', '/api/clusters/default/commands', { type: 'restart', node: leader.id });
      process.stdout.write(`\r  ${nodeCount} nodes, ${writers} writers, kill ${kill + 1}/${kills}: ${ms(took)} ms   `);
    }
    console.log();
  } finally {
    stopWriting = true;
    await Promise.all(running);
  }
  // Lost acknowledged writes: every key must hold its client's last acknowledged write or a later one,
  // at a version at least the number of acknowledged writes (each write bumps the version once).
  await sleep(300);
  let lost = 0;
  let checked = 0;
  let unreadable = 0;
  for (let c = 0; c < writers; c++) {
    const answer = await call(server.port, 'POST', '/api/clusters/default/commands', { type: 'get', key: `fo-${c}`, consistency: 'linearizable' }).catch(() => null);
    const result = answer?.body?.result;
    const value = typeof result?.value === 'string' ? result.value : typeof result?.data?.value === 'string' ? result.data.value : null;
    if (answer?.status !== 200 || value === null) {
      unreadable += 1;
      continue;
    }
    checked += 1;
    const n = Number(value.split(':')[1]);
    const version = Number(result.version ?? NaN);
    if (n < acked[c]!.last) lost += acked[c]!.last - n;
    else if (Number.isFinite(version) && version < acked[c]!.count) lost += acked[c]!.count - version;
  }
  await server.stop();
  const sorted = [...failovers].sort((a, b) => a - b);
  const totalAcked = acked.reduce((s, a) => s + a.count, 0);
  return {
    row: [String(nodeCount), String(writers), String(kills), ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(sorted.at(-1) ?? NaN), String(missed), n0(totalAcked), n0(errors),
      checked === 0 ? `not checked (reads unavailable)` : `${lost} (${checked} keys checked${unreadable ? `, ${unreadable} unreadable` : ''})`],
    errorKinds: [...errorKinds].map(([k, v]) => `${k} ${v}`).join(', '),
  };
}

