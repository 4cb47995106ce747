// `npm run bench`: measures raftlab and prints numbers; never passes or fails on a time.
// A full run regenerates BENCHMARKS.md at the repo root (machine details, numbers, how to rerun).
//
//   npm run bench                        everything, 5 s per point, writes BENCHMARKS.md
//   npm run bench -- --quick             1.5 s per point, 10 leader kills (prints; --write to save)
//   npm run bench -- --only etcd,failover   some sections: etcd floors scaling failover footprint streaming sim storage power-cuts page classroom
//   npm run bench -- --only soak         the 30-minute soak (not in a full run: it alone takes 35 minutes; --soak-minutes M)
//   npm run bench -- --seconds 10        longer points   --kills 50   --out FILE   --src DIR (another checkout)
//   npm run bench -- --rounds 5          more alternating rounds of the side-by-side points (default 3)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { machine } from './machine.ts';
import { md, mb, ms, n0, pct, say, table } from './report.ts';
import { sectionFailover } from './failover-section.ts';
import { costWindow, cpuWindow, type CpuShare, type ProcessCost } from './cpu.ts';
import { runLoad, value64, type LoadResult } from './load.ts';
import {
  AUTH,
  REPO,
  b64,
  buildServer,
  call,
  etcdLeaderPort,
  etcdPids,
  etcdVersion,
  sleep,
  startEtcd,
  startRaftlab,
  stopEtcd,
  type RaftlabServer,
} from './systems.ts';

// ---------- options ----------
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const QUICK = flag('quick');
const SECONDS = Number(option('seconds') ?? (QUICK ? 1.5 : 5));
const WARMUP_MS = QUICK ? 300 : 1000;
const KILLS = Number(option('kills') ?? (QUICK ? 10 : 50));
/** Side-by-side points are measured this many times, alternating which system goes first; the
 *  median round is reported with the range. One 5 s point on this shared 2-core machine swung by
 *  ±30 % between runs (the same 64-client point read 2,497 and 3,916 writes/s in one run). */
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 3));
/** Seconds per point of a side-by-side round. */
const ROUND_SECONDS = Number(option('seconds') ?? (QUICK ? 1.5 : 3));
/** --head measures the last commit (exported to a temp dir) instead of the working tree. */
const HEAD = flag('head');
let SRC = option('src') ?? REPO;
const ALL = ['etcd', 'floors', 'scaling', 'failover', 'footprint', 'streaming', 'sim', 'storage', 'power-cuts', 'page', 'classroom'] as const;
const ONLY = option('only')?.split(',').map((s) => s.trim()) ?? [...ALL];
const WRITE = flag('write') || (!QUICK && option('only') === undefined && option('seconds') === undefined);
const OUT = option('out') ?? join(REPO, 'BENCHMARKS.md');
const CONCURRENCY = [1, 16, 64, 256];
const wants = (section: string): boolean => ONLY.includes(section);

// ---------- the load each system gets ----------
const raftlabPut = (c: number, n: number) => ({
  method: 'PUT',
  path: `/api/clusters/default/kv/bench-${c}-${n % 64}`,
  body: JSON.stringify({ value: value64(c, n) }),
});
const raftlabGet = (c: number, n: number) => ({
  method: 'POST',
  path: '/api/clusters/default/commands',
  body: JSON.stringify({ type: 'get', key: `read-${(c * 7 + n) % 64}`, consistency: 'linearizable' }),
});
/** The same load as the Vault API at a node's own port: KV v2 data {value}. */
const portPut = (c: number, n: number) => ({
  method: 'PUT',
  path: `/v1/secret/data/bench-${c}-${n % 64}`,
  body: JSON.stringify({ data: { value: value64(c, n) } }),
});
const portGet = (c: number, n: number) => ({ method: 'GET', path: `/v1/secret/data/read-${(c * 7 + n) % 64}` });
const etcdPut = (c: number, n: number) => ({
  method: 'POST',
  path: '/v3/kv/put',
  body: JSON.stringify({ key: b64(`bench-${c}-${n % 64}`), value: b64(value64(c, n)) }),
});
const etcdRange = (c: number, n: number) => ({ method: 'POST', path: '/v3/kv/range', body: JSON.stringify({ key: b64(`read-${(c * 7 + n) % 64}`) }) });
/** etcd answers 200 with an error body for some failures; a put/range answer always has a header. */
const etcdOk = (status: number, body: string): boolean => status === 200 && body.includes('"header"');

interface Measured extends LoadResult {
  readonly cpu?: CpuShare;
  /** What the system's processes spent over the measured window. */
  readonly cost?: ProcessCost;
}

interface SideBySide {
  readonly c: number;
  readonly raftlab: Measured;
  readonly etcd?: Measured;
  readonly raftlabRates?: readonly number[];
  readonly etcdRates?: readonly number[];
  /** raftlab ÷ etcd in each round. */
  readonly ratios?: readonly number[];
}

/** Median of the per-round ratios, with their range. */
function pairedRatio(ratios: readonly number[] | undefined): string {
  if (!ratios || ratios.length === 0) return '–';
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return sorted.length < 2 ? `${median.toFixed(2)}×` : `${median.toFixed(2)}× (${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})`;
}

/** The round with the median throughput (its latencies and CPU come with it). */
function medianRound(rounds: readonly Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.rate - b.rate);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** "3,278 (2,497–3,916)" when there were several rounds. */
function withRange(value: number, rates: readonly number[] | undefined): string {
  if (!rates || rates.length < 2) return n0(value);
  return `${n0(value)} (${n0(Math.min(...rates))}–${n0(Math.max(...rates))})`;
}

interface MeasureOptions {
  readonly port: number;
  readonly concurrency: number;
  readonly request: (c: number, n: number) => { method: string; path: string; body?: string };
  /** raftlab's server: its threads' CPU shares, and the control token (etcd refuses an Authorization it did not issue). */
  readonly raftlabPid?: number;
  /** Every process of the system under load, for its CPU and sleeps per request. */
  readonly costPids?: readonly number[];
  readonly ok?: (s: number, b: string) => boolean;
  readonly seconds?: number;
  /** Headers on every request (default: raftlab's token when raftlabPid is given). */
  readonly headers?: Readonly<Record<string, string>>;
}

async function measure(options: MeasureOptions): Promise<Measured> {
  const { port, concurrency, request, raftlabPid, costPids, ok, seconds = SECONDS } = options;
  const headers = options.headers ?? (raftlabPid ? AUTH : undefined);
  const endShares = raftlabPid ? cpuWindow(raftlabPid) : null;
  let endCost: (() => ProcessCost) | null = null;
  let cost: ProcessCost | undefined;
  const onWindow = (edge: 'open' | 'close'): void => {
    if (edge === 'open') endCost = costPids?.length ? costWindow(costPids) : null;
    else cost = endCost?.();
  };
  const result = await runLoad({ port, concurrency, durationMs: seconds * 1000, warmupMs: WARMUP_MS, request, onWindow, ...(headers ? { headers } : {}), ...(ok ? { ok } : {}) });
  return { ...result, ...(endShares ? { cpu: endShares() } : {}), ...(cost ? { cost } : {}) };
}

function errorsNote(label: string, result: LoadResult): void {
  if (result.errors > 0) say(`- ${label}: ${result.errors} errors, e.g. \`${result.sampleErrors[0]?.replace(/\|/g, '/').slice(0, 140)}\``);
}

let build = '';

/** CPU ms and sleeps one request cost the system's processes, in its median round. */
function perRequest(m: Measured | undefined): { cpuMs: number; sleeps: number } {
  const requests = m?.cost ? m.rate * m.cost.seconds : 0;
  if (!m?.cost || requests <= 0) return { cpuMs: Number.NaN, sleeps: Number.NaN };
  return { cpuMs: (m.cost.cpuSeconds * 1000) / requests, sleeps: m.cost.sleeps / requests };
}

function sayCostPerRequest(writes: readonly SideBySide[], reads: readonly SideBySide[]): void {
  if (!writes.some((w) => w.etcd?.cost && w.raftlab.cost)) return;
  say('### What one request costs each system');
  say();
  say('CPU time of every thread of the system (raftlab: the server process with its node workers; etcd: its three members), ' +
    'and how often those threads blocked and had to be woken (voluntary context switches, from `/proc`), ' +
    'divided by the requests answered in the median round\'s measured window. The load generator is not counted. ' +
    'On this VM a wake-up goes through the hypervisor (see the machine section), which is what a lone client pays for most.');
  say();
  const pair = (a: number, b: number, digits: number): string =>
    `${Number.isFinite(a) ? a.toFixed(digits) : '–'} / ${Number.isFinite(b) ? b.toFixed(digits) : '–'}`;
  table(
    ['clients', 'writes: CPU ms raftlab / etcd', 'sleeps raftlab / etcd', 'reads: CPU ms raftlab / etcd', 'sleeps raftlab / etcd'],
    writes.map((w, i) => {
      const r = reads[i];
      const [wr, we, rr, re] = [perRequest(w.raftlab), perRequest(w.etcd), perRequest(r?.raftlab), perRequest(r?.etcd)];
      return [String(w.c), pair(wr.cpuMs, we.cpuMs, 2), pair(wr.sleeps, we.sleeps, 1), pair(rr.cpuMs, re.cpuMs, 2), pair(rr.sleeps, re.sleeps, 1)];
    }),
  );
}

// ---------- sections ----------
/** The systems of the side-by-side: raftlab at its leader node's own port (the Vault API, served in
 *  the node's worker), raftlab through its main server (REST: the path every earlier figure used,
 *  kept for comparison), and etcd at its leader member's port. */
type SystemName = 'port' | 'rest' | 'etcd';
const SYSTEM_LABELS: Record<SystemName, string> = { port: 'raftlab at the leader\'s port', rest: 'raftlab via the main server', etcd: 'etcd' };

interface System {
  readonly name: SystemName;
  readonly port: number;
  readonly write: MeasureOptions['request'];
  readonly read: MeasureOptions['request'];
  readonly raftlabPid?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly costPids: () => readonly number[];
  readonly ok?: (s: number, b: string) => boolean;
}

/** One concurrency's rounds, per system. */
type Rounds = Map<SystemName, Measured[]>;

/** The leader's own API port, from the server's list of node addresses. */
async function leaderNodePort(server: RaftlabServer): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const leader = await server.leader();
    const addresses = (await call(server.port, 'GET', '/api/clusters/default')).body?.result?.nodeAddresses ?? {};
    const address = leader ? addresses[leader.id] : undefined;
    if (typeof address === 'string') return Number(new URL(address).port);
    await sleep(50);
  }
  throw new Error('the leader has no API port');
}

async function sectionEtcd(): Promise<void> {
  say('## raftlab vs etcd, side by side');
  say();
  let etcdUp = false;
  try {
    const out = startEtcd();
    etcdUp = true;
    console.log(out);
  } catch (error) {
    say(`etcd could not be started (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); raftlab only.`);
    say();
  }
  const results: Record<'write' | 'read', Map<number, Rounds>> = { write: new Map(), read: new Map() };
  const server = await startRaftlab(build, 3);
  try {
    const ePort = etcdUp ? await etcdLeaderPort() : 0;
    const nodePort = await leaderNodePort(server);
    // Keys the reads look up, on both systems.
    for (let k = 0; k < 64; k++) {
      await call(server.port, 'PUT', `/api/clusters/default/kv/read-${k}`, { value: value64(k, 0) });
      if (etcdUp) await call(ePort, 'POST', '/v3/kv/put', { key: b64(`read-${k}`), value: b64(value64(k, 0)) }, 5000, false);
    }
    const systems: System[] = [
      { name: 'port', port: nodePort, write: portPut, read: portGet, raftlabPid: server.pid, headers: { ...AUTH, 'x-raftlab-consistency': 'linearizable' }, costPids: () => [server.pid] },
      { name: 'rest', port: server.port, write: raftlabPut, read: raftlabGet, raftlabPid: server.pid, headers: AUTH, costPids: () => [server.pid] },
      ...(etcdUp ? [{ name: 'etcd', port: ePort, write: etcdPut, read: etcdRange, costPids: etcdPids, ok: etcdOk } satisfies System] : []),
    ];
    for (const kind of ['write', 'read'] as const) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of CONCURRENCY) {
          const rounds = results[kind].get(c) ?? new Map<SystemName, Measured[]>();
          results[kind].set(c, rounds);
          // Rotate who goes first, so no system always gets the fresher machine.
          for (let i = 0; i < systems.length; i++) {
            const system = systems[(i + round) % systems.length]!;
            const measured = await measure({
              port: system.port, concurrency: c, request: kind === 'write' ? system.write : system.read, costPids: system.costPids(), seconds: ROUND_SECONDS,
              ...(system.raftlabPid ? { raftlabPid: system.raftlabPid } : {}), ...(system.headers ? { headers: system.headers } : {}), ...(system.ok ? { ok: system.ok } : {}),
            });
            rounds.set(system.name, [...(rounds.get(system.name) ?? []), measured]);
          }
          const last = (name: SystemName): string => {
            const m = rounds.get(name)?.at(-1);
            return m ? `${n0(m.rate)}/s p50 ${ms(m.p50)}` : '–';
          };
          console.log(`  ${kind}s c=${c} round ${round + 1}/${ROUNDS}: port ${last('port')}  rest ${last('rest')}  etcd ${last('etcd')}`);
        }
      }
    }
    say(`3-node raftlab (production profile, fsync on) measured two ways — at the leader node's own port (the Vault API its worker ` +
      `serves: \`PUT /v1/secret/data/{key}\`, reads \`GET\` with \`X-Raftlab-Consistency: linearizable\`) and through the main server ` +
      `(REST \`PUT /api/clusters/default/kv/{key}\`, the path of every earlier figure) — and 3-member ${etcdVersion()} ` +
      `(JSON gateway \`POST /v3/kv/put\`, sent to the leader member :${ePort || '–'}), one load generator (\`bench/load.ts\`: closed loop, ` +
      `HTTP/1.1 keep-alive, 64-byte values, 64 keys per client), ${ROUND_SECONDS} s per point after ${WARMUP_MS} ms warm-up, ` +
      `${ROUNDS} round${ROUNDS === 1 ? '' : 's'} rotating which system goes first: each cell is the system's median round (by throughput), ` +
      `with its lowest and highest round in brackets; "÷ etcd" is the median of the ratios taken within each round, with their range. ` +
      `Latency is per request as the client sees it. "main / worker" = CPU share of raftlab's main thread and busiest node worker.`);
    say();
    for (const kind of ['write', 'read'] as const) {
      say(kind === 'write' ? '### Writes (each answered after commit + apply)' : '### Linearizable reads (raftlab ReadIndex vs etcd default range)');
      say();
      const cell = (rounds: Rounds, name: SystemName): string[] => {
        const list = rounds.get(name);
        if (!list) return ['–', '–', '–'];
        const m = medianRound(list);
        return [withRange(m.rate, list.map((r) => r.rate)), ms(m.p50), ms(m.p99)];
      };
      const ratioTo = (rounds: Rounds, name: SystemName): string => {
        const ours = rounds.get(name);
        const etcd = rounds.get('etcd');
        return etcd && ours ? pairedRatio(etcd.map((e, round) => ours[round]!.rate / e.rate)) : '–';
      };
      const cpuOf = (rounds: Rounds, name: SystemName): string => {
        const list = rounds.get(name);
        const m = list ? medianRound(list) : undefined;
        return m?.cpu ? `${pct(m.cpu.main)} / ${pct(m.cpu.busiestOther)}` : '–';
      };
      table(
        ['clients', 'at the leader\'s port /s', 'p50 ms', 'p99 ms', 'via main server /s', 'p50 ms', 'p99 ms', 'etcd /s', 'p50 ms', 'p99 ms', 'port ÷ etcd', 'main server ÷ etcd', 'main / worker CPU (port)'],
        CONCURRENCY.map((c) => {
          const rounds = results[kind].get(c)!;
          return [String(c), ...cell(rounds, 'port'), ...cell(rounds, 'rest'), ...cell(rounds, 'etcd'), ratioTo(rounds, 'port'), ratioTo(rounds, 'rest'), cpuOf(rounds, 'port')];
        }),
      );
      for (const c of CONCURRENCY) {
        for (const [name, list] of results[kind].get(c)!) errorsNote(`${SYSTEM_LABELS[name]}, ${kind}s at ${c}`, medianRound(list));
      }
    }
    sayCostPerRequest(sideBySide(results.write), sideBySide(results.read));
  } finally {
    await server.stop();
    if (etcdUp) {
      stopEtcd();
      console.log('etcd stopped');
    }
  }
}

/** The cost table's pairs: raftlab at its leader's port beside etcd. */
function sideBySide(results: Map<number, Rounds>): SideBySide[] {
  return [...results].map(([c, rounds]) => {
    const etcd = rounds.get('etcd');
    return { c, raftlab: medianRound(rounds.get('port')!), ...(etcd ? { etcd: medianRound(etcd) } : {}) };
  });
}

async function sectionScaling(): Promise<void> {
  say('## Scaling: writes/s by cluster size');
  say();
  const rows: string[][] = [];
  let base = NaN;
  for (const nodes of [3, 5, 7]) {
    const server = await startRaftlab(build, nodes);
    try {
      const nodePort = await leaderNodePort(server);
      const one = await measure({ port: nodePort, concurrency: 1, request: portPut, raftlabPid: server.pid });
      const many = await measure({ port: nodePort, concurrency: 64, request: portPut, raftlabPid: server.pid });
      const rest = await measure({ port: server.port, concurrency: 64, request: raftlabPut, raftlabPid: server.pid });
      if (nodes === 3) base = many.rate;
      const change = nodes === 3 ? '–' : `${many.rate >= base ? '+' : '−'}${Math.abs(Math.round((many.rate / base - 1) * 100))} %`;
      rows.push([String(nodes), n0(one.rate), ms(one.p50), n0(many.rate), ms(many.p50), ms(many.p99), change, n0(rest.rate), ms(rest.p50), many.cpu ? `${pct(many.cpu.main)} / ${pct(many.cpu.busiestOther)}` : '–']);
      console.log(`  ${nodes} nodes: port ${n0(one.rate)}/s at 1, ${n0(many.rate)}/s at 64; main server ${n0(rest.rate)}/s at 64`);
      errorsNote(`${nodes} nodes, 64 clients at the leader's port`, many);
      errorsNote(`${nodes} nodes, 64 clients via the main server`, rest);
    } finally {
      await server.stop();
    }
  }
  say(`Production profile, fsync on, ${SECONDS} s per point: writes at the leader node's own port (Vault API), and at 64 clients ` +
    `through the main server (REST) for comparison. "vs 3 nodes" is the port's 64-client figure against the 3-node one.`);
  say();
  table(['nodes', 'port writes/s (1 client)', 'p50 ms', 'port writes/s (64 clients)', 'p50 ms', 'p99 ms', 'vs 3 nodes', 'main server writes/s (64)', 'p50 ms', 'main / worker CPU (port, 64)'], rows);
}

/** Issue 20's targets are at 3, 5 and 7 nodes under 64 writers; the 8-writer row is the older figure. */
async function sectionFootprint(): Promise<void> {
  say('## Footprint and start time');
  say();
  const rows: { nodes: number; listen: number; write: number; idle: number; loaded: number; idleCost: ProcessCost }[] = [];
  for (const nodes of [1, 3, 5, 7]) {
    const server = await startRaftlab(build, nodes);
    try {
      await sleep(1000);
      const idle = server.rss();
      // What an idle lab costs the machine: heartbeats, timers, the page's event stream (no page here).
      const endIdle = costWindow([server.pid]);
      await sleep(QUICK ? 1000 : 3000);
      const idleCost = endIdle();
      await runLoad({ port: server.port, concurrency: 16, durationMs: 2000, request: raftlabPut, headers: AUTH });
      const loaded = server.rss();
      rows.push({ nodes, listen: server.listeningMs, write: server.firstWriteMs, idle, loaded, idleCost });
    } finally {
      await server.stop();
    }
  }
  // RSS(N) = base + N × per-node, least squares over the sizes measured.
  const fit = (ys: number[]): { base: number; slope: number } => {
    const xs = rows.map((r) => r.nodes);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    return { base: my - slope * mx, slope };
  };
  const idleFit = fit(rows.map((r) => r.idle));
  const loadedFit = fit(rows.map((r) => r.loaded));
  say('One server process per size (bundled server as `npm start` runs it), production profile. Worker threads share the process, so "per node" is the slope of ' +
    'process RSS over cluster size (least squares) and "server" its intercept. Start = spawn → API answers, and spawn → first write committed. ' +
    'Idle CPU: all threads of the process with no client and no page, per second (heartbeats every 50 ms, and the timers that wait for them); ' +
    'wake-ups are the threads\' voluntary context switches.');
  say();
  const perSecond = (cost: ProcessCost): string => `${Math.round((cost.cpuSeconds * 1000) / cost.seconds)} ms (${n0(cost.sleeps / cost.seconds)})`;
  table(
    ['nodes', 'process RSS idle MB', 'after 2 s of writes MB', 'spawn → API ms', 'spawn → first commit ms', 'idle CPU per s (wake-ups per s)'],
    rows.map((r) => [String(r.nodes), mb(r.idle), mb(r.loaded), ms(r.listen), ms(r.write), perSecond(r.idleCost)]),
  );
  say(`Per node worker: **${mb(idleFit.slope)} MB** idle, ${mb(loadedFit.slope)} MB after writes; server without nodes: **${mb(idleFit.base)} MB** idle, ${mb(loadedFit.base)} MB after writes.`);
  say();
}

// The 20 pages run in this process, on the same two cores as the server: parsing 60+ MB/s of
// JSON here would take CPU from the server and show up as its slowdown. So a page counts an
// events frame's events by their stamp (every stamped event has one `"seq":`, and nothing inside
// an event does) with Buffer.indexOf, and never decodes the text.
const EVENTS_FRAME = Buffer.from('{"type":"events"');
const EVENT_STAMP = Buffer.from('"seq":');

function occurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

async function sectionStreaming(): Promise<void> {
  say('## Streaming to pages');
  say();
  const server = await startRaftlab(build, 3);
  const pages = 20;
  const received = Array.from({ length: pages }, () => ({ events: 0, frames: 0, bytes: 0 }));
  const sockets: WebSocket[] = [];
  try {
    const base = await measure({ port: server.port, concurrency: 64, request: raftlabPut, raftlabPid: server.pid });
    for (let p = 0; p < pages; p++) {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/clusters/default/live`);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.on('message', (data: Buffer) => {
        const r = received[p]!;
        r.frames += 1;
        r.bytes += data.length;
        if (data.subarray(0, EVENTS_FRAME.length).equals(EVENTS_FRAME)) r.events += occurrences(data, EVENT_STAMP);
      });
      sockets.push(socket);
    }
    await sleep(300);
    for (const r of received) Object.assign(r, { events: 0, frames: 0, bytes: 0 });
    const started = performance.now();
    const loaded = await measure({ port: server.port, concurrency: 64, request: raftlabPut, raftlabPid: server.pid });
    await sleep(100);
    const seconds = (performance.now() - started) / 1000;
    const events = received.map((r) => r.events / seconds).sort((a, b) => a - b);
    const bytes = received.reduce((s, r) => s + r.bytes, 0) / seconds;
    const frames = received.reduce((s, r) => s + r.frames, 0) / seconds / pages;
    say(`3 nodes, 64 writers, ${pages} WebSocket pages on \`/api/clusters/default/live\` receiving every event (the server batches events per page every 16 ms). The pages are sockets in the load generator's process, on the same two cores, counting events without parsing them; real pages would be on other machines.`);
    say();
    table(
      ['pages', 'events/s per page (min / median)', 'events/s all pages', 'frames/s per page', 'MB/s sent', 'writes/s with pages', 'writes/s without', 'main CPU with pages'],
      [[String(pages), `${n0(events[0]!)} / ${n0(events[pages >> 1]!)}`, n0(events.reduce((a, b) => a + b, 0)), n0(frames), (bytes / 2 ** 20).toFixed(1),
        n0(loaded.rate), n0(base.rate), loaded.cpu ? pct(loaded.cpu.main) : '–']],
    );
  } finally {
    for (const s of sockets) s.terminate();
    await server.stop();
  }
}

/** Another engineer's bench file, run as it is; its output goes in verbatim. */
function sectionScript(section: string, file: string, title: string, extra: string[] = [], timeoutMs = 10 * 60_000): void {
  say(`## ${title}`);
  say();
  // Other engineers' bench files run from the working tree, as they are.
  const path = join(REPO, 'bench', file);
  if (!existsSync(path)) {
    say(`\`bench/${file}\` is not there yet; nothing measured.`);
    say();
    return;
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', path, ...extra], { cwd: REPO, encoding: 'utf8', timeout: timeoutMs });
  say(`\`npx tsx bench/${file} ${extra.join(' ')}\`${run.status === 0 ? '' : ` (exited ${run.status ?? run.signal})`}:`);
  say();
  say('```');
  for (const line of `${run.stdout}${run.status === 0 ? '' : run.stderr}`.trim().split('\n')) say(line);
  say('```');
  say();
  void section;
}

// ---------- main ----------
let exported = '';
async function main(): Promise<void> {
  const started = performance.now();
  if (HEAD) {
    exported = mkdtempSync(join(os.tmpdir(), 'raftlab-bench-head-'));
    execFileSync('sh', ['-c', `git -C "${REPO}" archive HEAD | tar -x -C "${exported}"`]);
    symlinkSync(join(REPO, 'node_modules'), join(exported, 'node_modules'));
    SRC = exported;
  }
  const head: string[] = [
    '# raftlab benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts). Edit the runner, not this file. -->',
    '',
    'Numbers only: no test passes or fails on a time. Rerun with `npm run bench` (all sections, ~8 minutes, rewrites this file);',
    '`npm run bench -- --quick` for a fast look, `--only etcd,failover` for some sections, `--seconds N` for longer points.',
    'etcd is started and stopped by the runner through `/work/shared/peers/etcd-cluster`.',
    '',
    ...machine({ head: HEAD, src: SRC }),
    '',
  ];
  for (const line of head) console.log(line);
  console.log(`building the server from ${SRC} ...`);
  build = await buildServer(SRC);
  try {
    if (wants('etcd')) await sectionEtcd();
    if (wants('floors')) sectionScript('floors', 'floors.ts', 'What this machine allows: floors without Raft (bench/floors.ts)', ['--seconds', QUICK ? '1' : '2']);
    if (wants('scaling')) await sectionScaling();
    if (wants('failover')) await sectionFailover(build, KILLS);
    if (wants('footprint')) await sectionFootprint();
    if (wants('streaming')) await sectionStreaming();
    if (wants('sim')) sectionScript('sim', 'sim.ts', 'Simulator and checker speed (bench/sim.ts)');
    if (wants('storage')) sectionScript('storage', 'storage.ts', 'Storage: fdatasync batches (bench/storage.ts)', ['--seconds', QUICK ? '1' : '2']);
    if (wants('power-cuts')) sectionScript('power-cuts', 'power-cuts.ts', 'Power cuts under load (bench/power-cuts.ts)', ['--cuts', QUICK ? '10' : '100']);
    if (wants('page')) sectionScript('page', 'page.ts', 'Page rendering (bench/page.ts)');
    if (wants('classroom')) sectionScript('classroom', 'classroom.ts', 'Classroom: idle student forks per server, and behind nginx (bench/classroom.ts)', QUICK ? ['--step', '8', '--settle', '4', '--window', '5'] : []);
    if (wants('soak')) {
      const minutes = option('soak-minutes') ?? (QUICK ? '1' : '30');
      sectionScript('soak', 'soak.ts', 'Soak: chaos, disk faults and power cuts under load (bench/soak.ts)', ['--minutes', minutes, '--nodes', '3'], (Number(minutes) + 15) * 60_000);
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
    if (exported) rmSync(exported, { recursive: true, force: true });
  }
  const notesPath = join(REPO, 'bench', 'NOTES.md');
  const tail = existsSync(notesPath) ? ['', readFileSync(notesPath, 'utf8').trim(), ''] : [];
  for (const line of tail) console.log(line);
  const total = `_Run took ${Math.round((performance.now() - started) / 1000)} s (\`${['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' ')}\`)._`;
  console.log(total);
  if (WRITE) {
    writeFileSync(OUT, [...head, ...md, ...tail, total, ''].join('\n'));
    console.log(`wrote ${OUT}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    try {
      stopEtcd();
    } catch {
      /* best effort */
    }
    process.exit(1);
  },
);
