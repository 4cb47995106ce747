// nginx in front of several raftlab servers (deploy/nginx/raftlab.conf.template): the config
// rendered for a list of servers, and an unprivileged nginx run in the foreground from a directory
// of its own (`-p DIR -c CONF -g 'daemon off;'`), as a workshop on one laptop or a test needs it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const TEMPLATE = resolve(import.meta.dirname, '../../deploy/nginx/raftlab.conf.template');
const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx', '/opt/homebrew/bin/nginx', '/usr/local/bin/nginx'];

export const INSTALL_HINT = 'nginx is not installed: on Debian or Ubuntu `sudo apt-get install nginx-light` (or nginx), on macOS `brew install nginx`';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** The nginx binary, or null when there is none. */
export function findNginx(): string | null {
  for (const path of CANDIDATES) if (existsSync(path)) return path;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found : null;
}

/** The template with its placeholders filled in. */
export function renderNginxConfig(options: { readonly prefix: string; readonly listen: string; readonly servers: readonly Upstream[] }): string {
  if (options.servers.length === 0) throw new Error('nginx needs at least one raftlab server');
  const line = (server: Upstream, suffix: string) => `    server ${server.host}:${server.port}${suffix};`;
  return readFileSync(TEMPLATE, 'utf8')
    .replaceAll('{{PREFIX}}', options.prefix)
    .replaceAll('{{LISTEN}}', options.listen)
    .replace('{{SERVERS}}', options.servers.map((server) => line(server, ' max_fails=0')).join('\n'))
    .replace('{{ANY_SERVERS}}', options.servers.map((server) => line(server, '')).join('\n'));
}

export interface RunningNginx {
  readonly process: ChildProcess;
  readonly config: string;
  stop(): Promise<void>;
}

/** Writes the config into `prefix`, checks it with `nginx -t`, and starts nginx in the foreground. */
export async function startNginx(binary: string, prefix: string, listen: string, servers: readonly Upstream[]): Promise<RunningNginx> {
  mkdirSync(prefix, { recursive: true });
  const config = join(prefix, 'nginx.conf');
  writeFileSync(config, renderNginxConfig({ prefix, listen, servers }));
  const args = ['-p', prefix, '-c', config, '-e', join(prefix, 'error.log'), '-g', 'daemon off;'];
  const check = spawnSync(binary, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx refused the config ${config}:\n${check.stderr.trim()}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // Started once it accepts connections (or failed, with what it said).
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr.trim() || readTail(join(prefix, 'error.log'))}`);
    return fetch(`http://${listen}/api/clusters`).then(() => true, () => false);
  }, 10_000, 'nginx to accept connections');
  return {
    process: child,
    config,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readTail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
}
