// `npm run workshop -- --servers N [--port P]`: a workshop on one machine past one server's limits.
// Starts N raftlab servers on the ports after P (s1 on P+1, …), each with its own data directory
// and the same instructor token, and an unprivileged nginx on P in front of them that routes every
// cluster to one server by its name (deploy/nginx/raftlab.conf.template). Students open
// http://HOST:P/ as they would one server. Ctrl-C stops nginx and every server.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INSTALL_HINT, findNginx, startNginx, type RunningNginx } from './nginx.ts';

const USAGE = `usage: npm run workshop -- [--servers N] [--port P] [--host H] [--data-dir DIR] [--token T] [--nodes N]
  --servers N    raftlab servers behind nginx, 1–16 (default 2)
  --port P       nginx's port; the servers take P+1 … P+N (default 8200)
  --host H       address nginx and the servers bind (default 127.0.0.1; 0.0.0.0 for a room)
  --data-dir DIR each server keeps its clusters in DIR/sK (default ./data/workshop)
  --token T      the instructor's token on every server (generated and printed if absent)
  --nodes N      nodes of each server's default cluster (default 5)`;

const REPO = resolve(import.meta.dirname, '../..');

function fail(message: string): never {
  console.error(`workshop: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function count(raw: string, what: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(`${what} must be ${min}–${max}, got ${raw}`);
  return value;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      servers: { type: 'string', default: '2' },
      port: { type: 'string', default: '8200' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: './data/workshop' },
      token: { type: 'string' },
      nodes: { type: 'string', default: '5' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const servers = count(parsed.servers, '--servers', 1, 16);
const port = count(parsed.port, '--port', 1, 65535 - servers);
const host = parsed.host;
const dataDir = resolve(parsed['data-dir']);
const token = parsed.token ?? randomBytes(12).toString('base64url');
const nodes = count(parsed.nodes, '--nodes', 1, 9);

const nginxBinary = findNginx();
if (!nginxBinary) fail(INSTALL_HINT);

// The servers run the sources this command runs from (a dist/ left from an older build could be
// stale); they serve the page npm run workshop built into dist/web.
const entry = ['--import', 'tsx', join(REPO, 'server/main.ts')];
const children: ChildProcess[] = [];
let proxy: RunningNginx | null = null;

async function stopAll(code: number): Promise<never> {
  await proxy?.stop().catch(() => {});
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((done) => child.once('exit', done)) : null)));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function ready(url: string, child: ChildProcess, id: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server ${id} exited at start (code ${child.exitCode})`);
    if (await fetch(`${url}/api/clusters`).then((response) => response.ok, () => false)) return;
    if (performance.now() > deadline) throw new Error(`server ${id} did not answer at ${url} within 60 s`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Where the servers reach each other and nginx reaches them. */
const local = host === '0.0.0.0' ? '127.0.0.1' : host;

try {
  const upstreams = [];
  for (let k = 1; k <= servers; k++) {
    const id = `s${k}`;
    const dir = join(dataDir, id);
    mkdirSync(dir, { recursive: true });
    // Each server knows the others, for the class view across all of them.
    const peers = Array.from({ length: servers }, (_, j) => j + 1).filter((j) => j !== k).flatMap((j) => ['--peer', `http://${local}:${port + j}`]);
    // Node ports the system picks: the default base (each server's --port) would put s1's nodes on
    // the ports of the servers after it.
    const child = spawn(process.execPath, [...entry, '--host', host, '--port', String(port + k), '--data-dir', dir, '--server-id', id, '--token', token, '--nodes', String(nodes), '--node-ports', '0', ...peers], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    upstreams.push({ id, host: local, port: port + k, child });
  }
  for (const upstream of upstreams) await ready(`http://${upstream.host}:${upstream.port}`, upstream.child, upstream.id);
  proxy = await startNginx(nginxBinary, join(dataDir, 'nginx'), `${host}:${port}`, upstreams);
  console.log(`workshop: ${servers} servers behind nginx at http://${local}:${port}/`);
  for (const upstream of upstreams) console.log(`workshop:   ${upstream.id} http://${upstream.host}:${upstream.port}/ data in ${join(dataDir, upstream.id)}`);
  console.log(`workshop: instructor: http://${local}:${port}/#token=${token}`);
  console.log(`workshop: the class: http://${local}:${port}/class#token=${token}`);
  console.log('workshop: students fork from the page; each cluster lives on the server its name hashes to (Ctrl-C stops everything)');
  for (const child of children) child.once('exit', (code) => console.error(`workshop: a server exited (code ${code}); its clusters are gone until it restarts`));
  proxy.process.once('exit', () => {
    console.error('workshop: nginx exited; stopping');
    void stopAll(1);
  });
} catch (error) {
  console.error(`workshop: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
