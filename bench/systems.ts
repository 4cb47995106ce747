// The systems the bench drives: a raftlab server (built once from this checkout with esbuild, run
// as its own process exactly as `node dist/server/main.js` runs) and the 3-member etcd peer from
// /work/shared/peers/etcd-cluster. Loopback only.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The default cluster's control token the bench starts raftlab with (control needs it). */
export const TOKEN = 'raftlab-bench-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

/** Bundles server/main.ts and the node worker into a temp dir (no page; the API is all we need). */
export async function buildServer(src: string = REPO): Promise<string> {
  const { build } = await import('esbuild');
  const out = mkdtempSync(join(tmpdir(), 'raftlab-bench-build-'));
  await build({
    entryPoints: { main: join(src, 'server/main.ts'), 'node-worker': join(src, 'server/cluster/node-worker.ts') },
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __raftlabRequire } from 'node:module'; const require = __raftlabRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolvePort(port));
    });
  });
}

export interface Answer {
  readonly status: number;
  readonly body: any;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function call(port: number, method: string, path: string, body?: unknown, timeoutMs = 10_000, auth = true): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      { host: '127.0.0.1', port, method, path, agent, timeout: timeoutMs, headers: { ...(auth ? AUTH : {}), ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = raw;
          try {
            parsed = JSON.parse(raw);
          } catch {
            /* not JSON: keep the text */
          }
          resolveAnswer({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
    request.on('error', reject);
    request.end(text);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface NodeSummary {
  readonly id: string;
  readonly life: string;
  readonly role: string;
  readonly term: number;
  readonly commit: number;
}

export interface RaftlabServer {
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** Real ms from spawn to the API answering, and to the first committed write. */
  readonly listeningMs: number;
  readonly firstWriteMs: number;
  nodes(): Promise<NodeSummary[]>;
  leader(): Promise<NodeSummary | null>;
  /** Resident set size of the whole server process (main thread + every node worker), bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts `node <build>/main.js --profile production --nodes N` on a free loopback port with a fresh
 *  data dir; `extraArgs` come last, so they override (`--profile teaching`). */
export async function startRaftlab(build: string, nodes: number, extraEnv: Record<string, string> = {}, extraArgs: readonly string[] = []): Promise<RaftlabServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'raftlab-bench-data-'));
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(build, 'main.js'), '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--profile', 'production', '--nodes', String(nodes), '--token', TOKEN, '--http-rate', '1000000', '--node-ports', '0', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));

  const nodesOf = async (): Promise<NodeSummary[]> => {
    const answer = await call(port, 'GET', '/api/clusters/default');
    return (answer.body?.result?.cluster?.nodes ?? []) as NodeSummary[];
  };
  const fail = (why: string): never => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${why}:\n${log}`);
  };
  let listeningMs = NaN;
  for (;;) {
    if (exited) fail('raftlab exited during start');
    if (performance.now() - started > 30_000) fail('raftlab did not answer in 30 s');
    try {
      await nodesOf();
      listeningMs = performance.now() - started;
      break;
    } catch {
      await sleep(10);
    }
  }
  let firstWriteMs = NaN;
  for (;;) {
    if (performance.now() - started > 30_000) fail('raftlab committed no write in 30 s');
    const answer = await call(port, 'PUT', '/api/clusters/default/kv/bench-start', { value: 'up' }).catch(() => null);
    if (answer?.status === 200) {
      firstWriteMs = performance.now() - started;
      break;
    }
    await sleep(10);
  }
  const pid = child.pid!;
  return {
    port,
    pid,
    dataDir,
    listeningMs,
    firstWriteMs,
    nodes: nodesOf,
    async leader() {
      const leaders = (await nodesOf()).filter((n) => n.life === 'alive' && n.role === 'leader');
      return leaders.sort((a, b) => b.term - a.term)[0] ?? null;
    },
    rss: () => rssOf(pid),
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** VmRSS of a process from /proc (Linux), bytes. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---- etcd ----

export const ETCD_SCRIPT = '/work/shared/peers/etcd-cluster';
export const ETCD_PORTS = [23791, 23792, 23793] as const;

export function startEtcd(): string {
  if (!existsSync(ETCD_SCRIPT)) throw new Error(`${ETCD_SCRIPT} not found`);
  return execFileSync(ETCD_SCRIPT, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function stopEtcd(): void {
  if (existsSync(ETCD_SCRIPT)) execFileSync(ETCD_SCRIPT, ['stop'], { stdio: 'ignore' });
}

/** The members' process ids, as the peer script recorded them (empty if it is not running). */
export function etcdPids(): number[] {
  const file = join(process.env.TMPDIR || '/tmp', 'raftlab-etcd-peer', 'pids');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
}

export function etcdVersion(): string {
  try {
    return execFileSync('etcd', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return 'etcd (version unknown)';
  }
}

/** The member that currently leads (etcd's gateway forwards anyway; we send to the leader like a smart client would not). */
export async function etcdLeaderPort(): Promise<number> {
  for (const port of ETCD_PORTS) {
    const answer = await call(port, 'POST', '/v3/maintenance/status', {}, 5000, false).catch(() => null);
    const header = answer?.body?.header;
    if (answer?.status === 200 && header && answer.body.leader === header.member_id) return port;
  }
  return ETCD_PORTS[0];
}

export const b64 = (text: string): string => Buffer.from(text).toString('base64');
