// The whole lab in one process and one port: the built page, the REST API, the Vault-compatible
// API, /metrics and the WebSocket. Every request passes the front door (http/front-door.ts);
// malformed HTTP gets a plain 400, a slow sender 408; no stack trace ever reaches a client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ClusterRegistry, DEFAULT_LIMITS, type LabSession, type RegistryLimits } from './cluster-registry.ts';
import { Implementations, type ForeignImplementation } from './foreign/implementations.ts';
import type { ProfileName } from './cluster/profiles.ts';
import { RateLimiter, type RateLimit } from './auth/rate-limit.ts';
import { generateToken } from './auth/tokens.ts';
import { handleControlApi } from './http/control-api.ts';
import { handleScenarioRoutes } from './http/scenario-routes.ts';
import { createFrontDoor } from './http/front-door.ts';
import type { RequestTarget } from './http/request-target.ts';
import { AllowedHosts } from './auth/allowed-hosts.ts';
import { createStaticHandler } from './http/static-files.ts';
import { DEFAULT_LIVE_LIMITS, LiveServer, type LiveLimits } from './live/live-server.ts';
import { MetricsCollector } from './metrics/prometheus.ts';
import { DEFAULT_CLUSTER, answerListVerb, answerVault, handleVaultHttp } from './vault/router.ts';

export interface LabServerOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly nodes: number;
  readonly profile: ProfileName;
  /** The built page; when missing, the API still works and / explains how to build. */
  readonly webRoot: string;
  /** The default cluster's control token; generated when absent. */
  readonly token?: string;
  readonly limits?: Partial<RegistryLimits>;
  readonly live?: Partial<LiveLimits>;
  /** HTTP requests per connection. */
  readonly httpRate?: RateLimit;
  /** Host names (besides loopback names, IP literals and --host) this server answers to. */
  readonly allowedHosts?: readonly string[];
  /** Watchers without the token see values in every cluster (a classroom); default: digests. */
  readonly publicValues?: boolean;
  /** TCP connections at once (HTTP and WebSocket). */
  readonly maxConnections?: number;
  readonly timeouts?: Partial<HttpTimeouts>;
  /** Foreign node programs the operator registered (--implementation); requests only name them. */
  readonly implementations?: readonly ForeignImplementation[];
  /** Named in every answer's X-Raftlab-Server header (behind a proxy: which server served it).
   *  Default: host:port as bound. */
  readonly serverId?: string;
  /** The other servers of a workshop (base URLs), whose clusters the class view shows too. */
  readonly peers?: readonly string[];
  /** The default cluster's nodes serve the Vault API on their own ports, n1 on BASE+1, … (other
   *  clusters' on ports the system picks); 0: system-picked for all; 'off': none. Default: BASE
   *  is `port` (0 when the server's port is). */
  readonly nodePorts?: number | 'off';
}

export interface HttpTimeouts {
  /** A request's headers must have arrived this long after its first byte (else 408). */
  readonly headersMs: number;
  /** The whole request, body included (else 408). Answers may take longer (a write waits for a quorum). */
  readonly requestMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000 };
export const DEFAULT_MAX_CONNECTIONS = 2_000;

export interface LabServer {
  readonly url: string;
  readonly clusters: ClusterRegistry;
  /** The default cluster's control token. */
  readonly token: string;
  readonly live: LiveServer;
  close(): Promise<void>;
}

export const DEFAULT_HTTP_RATE: RateLimit = { perSecond: 200, burst: 400 };

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const clusters = new ClusterRegistry(options.dataDir, { ...DEFAULT_LIMITS, ...options.limits }, new Implementations(options.implementations));
  const hosts = new AllowedHosts(options.host, options.allowedHosts ?? []);
  const live = new LiveServer(clusters, hosts, { ...DEFAULT_LIVE_LIMITS, ...options.live });
  const metrics = new MetricsCollector(clusters, () => live);
  clusters.onCreated = (session) => metrics.watch(session);
  clusters.publicValuesByDefault = options.publicValues ?? false;
  clusters.onValuesVisibility = (session) => live.valuesVisibilityChanged(session);
  clusters.onRemoved = (session: LabSession, why) => {
    metrics.forget(session);
    live.clusterRemoved(session.name, why);
  };
  const token = options.token ?? generateToken();
  if (options.nodePorts !== 'off') {
    clusters.nodePorts = {
      host: options.host,
      base: options.nodePorts ?? options.port,
      allowedHosts: options.allowedHosts ?? [],
      httpRate: options.httpRate ?? DEFAULT_HTTP_RATE,
      answer: (session, node, request, trailingSlash) => answerVault(request, { target: { session, node }, path: request.path, trailingSlash }, clusters),
    };
  }
  clusters.create({ name: DEFAULT_CLUSTER, nodes: options.nodes, profile: options.profile, token, permanent: true });
  const serveStatic = createStaticHandler(options.webRoot);
  const httpRate = new RateLimiter<Socket>(options.httpRate ?? DEFAULT_HTTP_RATE);
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };

  const frontDoor = createFrontDoor({
      hosts,
      rate: httpRate,
      routes: [
        (request, response, target) => handleMetrics(request, response, target, metrics),
        (request, response, target) => handleVaultHttp(request, response, target, clusters),
        (request, response, target) => handleScenarioRoutes(request, response, target, clusters),
        (request, response, target) => handleControlApi(request, response, target, clusters, { self: () => serverId(), peers: options.peers ?? [] }),
        serveStatic,
      ],
    });
  // Which server answered, on every answer and on the WebSocket's 101: behind a proxy that routes by
  // cluster name (deploy/nginx), tests and the class view see where each cluster lives.
  const serverId = (): string => options.serverId ?? boundAddress(server, options.host);
  live.upgradeHeaders = () => [`X-Raftlab-Server: ${serverId()}`];
  const server: Server = createServer(
    // Node checks its header and request timeouts on this interval; its default (30 s) let a
    // slow sender hold a connection up to twice the timeout.
    { connectionsCheckingInterval: Math.min(1000, timeouts.headersMs), headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs },
    (request, response) => {
      response.setHeader('X-Raftlab-Server', serverId());
      return frontDoor(request, response);
    },
  );
  // Malformed HTTP never reaches a handler: answer 400 (or Vault's LIST verb, see list-verb.ts).
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    void (async () => {
      if (error.code === 'HPE_INVALID_METHOD' && httpRate.allow(socket as Socket) && (await answerListVerb(error.rawPacket, socket, clusters, hosts))) return;
      if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      socket.end(`HTTP/1.1 ${clientErrorStatus(error.code)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    })().catch(() => socket.destroy());
  });
  server.on('upgrade', (request, socket, head) => live.handleUpgrade(request, socket, head));
  // TCP connections at once, HTTP and WebSocket together; Node refuses (closes) more.
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  // Keep idle keep-alive connections longer than clients do (Node's default is 5 s): a client that
  // reuses a socket the server is just closing gets ECONNRESET instead of an answer.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    clusters,
    token,
    live,
    async close() {
      live.close();
      server.closeAllConnections();
      await clusters.stopAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The status line for HTTP that never became a request. */
function clientErrorStatus(code: string | undefined): string {
  if (code === 'HPE_HEADER_OVERFLOW') return '431 Request Header Fields Too Large';
  // Node's header and request timeouts (a slowloris sender).
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  return '400 Bad Request';
}

/** GET /metrics: no token needed (it shows state, as watching does). */
async function handleMetrics(request: IncomingMessage, response: ServerResponse, target: RequestTarget, metrics: MetricsCollector): Promise<boolean> {
  if (target.segments.length !== 1 || target.segments[0] !== 'metrics' || target.trailingSlash) return false;
  const text = await metrics.render();
  response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  response.end(request.method === 'HEAD' ? undefined : text);
  return true;
}

/** host:port this server listens on (the port as bound, when it was asked for port 0). */
function boundAddress(server: Server, host: string): string {
  const address = server.address();
  return typeof address === 'object' && address ? `${host}:${address.port}` : host;
}
