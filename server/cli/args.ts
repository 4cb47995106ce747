// Command-line flags for `npm start -- …`. Unknown or malformed flags stop the server with a
// message that says what is accepted.
import type { ProfileName } from '../cluster/profiles.ts';
import { TOKEN_PATTERN } from '../auth/tokens.ts';
import { ImplementationError, parseImplementation, type ForeignImplementation } from '../foreign/implementations.ts';

export interface StartOptions {
  host: string;
  port: number;
  nodes: number;
  dataDir: string;
  profile: ProfileName;
  /** The default cluster's control token; generated (and printed) when absent. */
  token?: string;
  maxClusters?: number;
  maxNodes?: number;
  idleMinutes?: number;
  /** HTTP requests per second per connection (burst twice that). */
  httpRate?: number;
  /** Host names this server answers to besides loopback names, IP literals and --host. */
  allowedHosts: string[];
  /** TCP connections at once (HTTP and WebSocket together). */
  maxConnections?: number;
  /** Watchers without a token see values, not digests (a classroom). */
  publicValues?: boolean;
  /** Foreign node programs the operator registered (--implementation NAME=COMMAND). */
  implementations?: ForeignImplementation[];
  /** This server's name in the X-Raftlab-Server header (default host:port). */
  serverId?: string;
  /** The other servers of a workshop, whose clusters /class shows too (--peer URL). */
  peers?: string[];
  /** Each node's own API port: n1 on BASE+1, …; 0 for ports the system picks; off for none.
   *  Default: BASE is --port (8200: n1 on 8201). */
  nodePorts?: number | 'off';
}

export const USAGE = `usage: npm start -- [options]
  --port N            port to listen on (default 8200, or $PORT)
  --host H            address to bind (default 127.0.0.1; 0.0.0.0 for a workshop)
  --nodes N           nodes in the default cluster, 1–9 (default 5)
  --data-dir DIR      where node directories live (default ./data)
  --profile P         teaching (slowed down, default) or production (real timing)
  --token T           control token of the default cluster (or $RAFTLAB_TOKEN; generated if absent)
  --max-clusters N    clusters this server runs at most (default 32)
  --max-nodes N       nodes across all clusters at most (default 160)
  --idle-minutes N    remove a forked/created cluster nobody used for N minutes (default 30)
  --http-rate N       HTTP requests per second per connection, burst 2N (default 200; benchmarks raise it)
  --allowed-host H    a name this server answers to (repeatable; loopback names, IP addresses and
                      --host always work): the name students type, or a proxy's
  --max-connections N TCP connections at once, HTTP and WebSocket together (default 2000)
  --public-values     watchers without a token see key values (default: a digest of each;
                      a cluster's control can change it with the values-visibility command)
  --implementation NAME=COMMAND
                      register a node program speaking Maelstrom's protocol (repeatable): a
                      command line (split without a shell) or a .js/.ts path; clusters of it are
                      made with POST /api/clusters {"nodes":3,"implementation":"NAME"}
  --server-id NAME    this server's name in every answer's X-Raftlab-Server header, for a
                      workshop of several servers behind nginx (default host:port)
  --peer URL          another server of the workshop (repeatable), e.g. http://10.0.0.2:8200:
                      the class view (/class) lists its clusters too
  --node-ports BASE   each node of the default cluster serves the Vault API on its own port, as a
                      Vault node's api_addr: n1 on BASE+1, n2 on BASE+2, … (default: --port, so
                      8201, 8202, …; a port that is taken gives way to one the system picks).
                      0: system-picked ports for all; off: no node ports. Forked and created
                      clusters' nodes always take system-picked ports (GET /api/clusters/NAME
                      lists them as nodeAddresses)
  --help              this text`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): StartOptions {
  const options: StartOptions = {
    host: '127.0.0.1',
    port: env['PORT'] !== undefined ? parsePort(env['PORT'], 'PORT') : 8200,
    nodes: 5,
    dataDir: './data',
    profile: 'teaching',
    allowedHosts: [],
  };
  if (env['RAFTLAB_TOKEN'] !== undefined && env['RAFTLAB_TOKEN'] !== '') options.token = parseToken(env['RAFTLAB_TOKEN'], 'RAFTLAB_TOKEN');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port':
        options.port = parsePort(value(), '--port');
        break;
      case '--host':
        options.host = value();
        break;
      case '--nodes': {
        const raw = value();
        const nodes = Number(raw);
        if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new UsageError(`--nodes must be 1–9, got ${raw}`);
        options.nodes = nodes;
        break;
      }
      case '--data-dir':
        options.dataDir = value();
        break;
      case '--profile': {
        const profile = value();
        if (profile !== 'teaching' && profile !== 'production') throw new UsageError(`--profile must be teaching or production, got ${profile}`);
        options.profile = profile;
        break;
      }
      case '--token':
        options.token = parseToken(value(), '--token');
        break;
      case '--max-clusters':
        options.maxClusters = parseCount(value(), '--max-clusters', 1, 1000);
        break;
      case '--max-nodes':
        options.maxNodes = parseCount(value(), '--max-nodes', 1, 10_000);
        break;
      case '--idle-minutes':
        options.idleMinutes = parseCount(value(), '--idle-minutes', 1, 7 * 24 * 60);
        break;
      case '--http-rate':
        options.httpRate = parseCount(value(), '--http-rate', 1, 1_000_000);
        break;
      case '--allowed-host': {
        const name = value();
        if (!/^[A-Za-z0-9.-]{1,253}$/.test(name)) throw new UsageError(`--allowed-host takes a host name (letters, digits, . and -), got ${name}`);
        options.allowedHosts.push(name);
        break;
      }
      case '--node-ports': {
        const raw = value();
        const base = Number(raw);
        if (raw === 'off') options.nodePorts = 'off';
        else if (/^\d+$/.test(raw) && base <= 65535 - 1000) options.nodePorts = base;
        else throw new UsageError(`--node-ports takes a base port (n1 listens on BASE+1, …), 0 for ports the system picks, or off; got ${raw.slice(0, 20)}`);
        break;
      }
      case '--public-values':
        if (inline !== undefined) throw new UsageError('--public-values takes no value');
        options.publicValues = true;
        break;
      case '--max-connections':
        options.maxConnections = parseCount(value(), '--max-connections', 10, 100_000);
        break;
      case '--implementation':
        try {
          (options.implementations ??= []).push(parseImplementation(value()));
        } catch (error) {
          if (error instanceof ImplementationError) throw new UsageError(error.message);
          throw error;
        }
        break;
      case '--server-id': {
        const name = value();
        if (!/^[A-Za-z0-9._:-]{1,64}$/.test(name)) throw new UsageError(`--server-id takes 1–64 of letters, digits, . _ : and -, got ${name.slice(0, 64)}`);
        options.serverId = name;
        break;
      }
      case '--peer': {
        const url = value();
        if (!/^https?:\/\/[A-Za-z0-9.\-[\]:]{1,260}$/.test(url)) throw new UsageError(`--peer takes a server's base URL, http://HOST:PORT, got ${url.slice(0, 80)}`);
        (options.peers ??= []).push(url);
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return options;
}

function parsePort(raw: string, what: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${what} must be a port number 0–65535, got ${raw}`);
  return port;
}

function parseToken(raw: string, what: string): string {
  if (!TOKEN_PATTERN.test(raw)) throw new UsageError(`${what} must be 8–200 characters of letters, digits and . _ ~ + / = -`);
  return raw;
}

function parseCount(raw: string, what: string, min: number, max: number): number {
  const count = Number(raw);
  if (!Number.isInteger(count) || count < min || count > max) throw new UsageError(`${what} must be a whole number ${min}–${max}, got ${raw}`);
  return count;
}
