// The whole lab in one process and one port: the built page, the REST API, the Vault-compatible
// API, /metrics and the WebSocket. Every request is rate limited per connection; malformed HTTP
// gets a plain 400; no stack trace ever reaches a client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ClusterRegistry, DEFAULT_LIMITS, type LabSession, type RegistryLimits } from './cluster-registry.ts';
import type { ProfileName } from './cluster/profiles.ts';
import { RateLimiter, type RateLimit } from './auth/rate-limit.ts';
import { generateToken } from './auth/tokens.ts';
import { handleControlApi } from './http/control-api.ts';
import { handleScenarioRoutes } from './http/scenario-routes.ts';
import { sendJson } from './http/json-io.ts';
import { createStaticHandler } from './http/static-files.ts';
import { DEFAULT_LIVE_LIMITS, LiveServer, type LiveLimits } from './live/live-server.ts';
import { MetricsCollector } from './metrics/prometheus.ts';
import { answerListVerb } from './vault/list-verb.ts';
import { DEFAULT_CLUSTER, handleVaultHttp } from './vault/router.ts';

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
}

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
  const clusters = new ClusterRegistry(options.dataDir, { ...DEFAULT_LIMITS, ...options.limits });
  const live = new LiveServer(clusters, { ...DEFAULT_LIVE_LIMITS, ...options.live });
  const metrics = new MetricsCollector(clusters, () => live);
  clusters.onCreated = (session) => metrics.watch(session);
  clusters.onRemoved = (session: LabSession, why) => {
    metrics.forget(session);
    live.clusterRemoved(session.name, why);
  };
  const token = options.token ?? generateToken();
  clusters.create({ name: DEFAULT_CLUSTER, nodes: options.nodes, profile: options.profile, token, permanent: true });
  const serveStatic = createStaticHandler(options.webRoot);
  const httpRate = new RateLimiter<Socket>(options.httpRate ?? DEFAULT_HTTP_RATE);

  const server: Server = createServer((request, response) => {
    void (async () => {
      const withinRate = httpRate.allow(request.socket);
      if (handleMetrics(request, response, metrics)) return;
      if (await handleVaultHttp(request, response, clusters, withinRate)) return;
      if (handleScenarioRoutes(request, response, clusters, withinRate)) return;
      if (await handleControlApi(request, response, { registry: clusters, withinRate })) return;
      if (!withinRate) return sendJson(response, 429, { ok: false, code: 'rate-limited', error: 'too many requests on this connection; slow down' });
      if (serveStatic(request, response)) return;
      sendJson(response, 404, { ok: false, code: 'not-found', error: `nothing at ${(request.url ?? '/').slice(0, 200)}` });
    })().catch((error: unknown) => {
      console.error('request failed', error);
      if (!response.headersSent) sendJson(response, 500, { ok: false, code: 'internal', error: 'internal error' });
      else response.destroy();
    });
  });
  // Malformed HTTP never reaches a handler: answer 400 (or Vault's LIST verb, see list-verb.ts).
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    void (async () => {
      if (error.code === 'HPE_INVALID_METHOD' && (await answerListVerb(error.rawPacket, socket, clusters))) return;
      if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    })().catch(() => socket.destroy());
  });
  server.on('upgrade', (request, socket, head) => live.handleUpgrade(request, socket, head));
  // Vault writes wait for a quorum for a bounded time; nothing waits longer than this.
  server.requestTimeout = 120_000;
  // Keep idle keep-alive connections longer than clients do (Node's default is 5 s): a client that
  // reuses a socket the server is just closing gets ECONNRESET instead of an answer.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

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

/** GET /metrics: no token needed (it shows state, as watching does). */
function handleMetrics(request: IncomingMessage, response: ServerResponse, metrics: MetricsCollector): boolean {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') return false;
  const text = metrics.render();
  response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  response.end(request.method === 'HEAD' ? undefined : text);
  return true;
}
