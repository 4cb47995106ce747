// The WebSocket side: one connection per open page. A page gets the whole view on connect (so a
// late joiner starts from the present), then events batched per frame; it sends typed commands
// and gets a result for each. Watching needs only the link; control needs the cluster's token.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { parseClientFrame } from '../../shared/protocol/frames.ts';
import { clusterNameSchema, MAX_VALUE_BYTES } from '../../shared/protocol/schemas.ts';
import { runCommand } from '../auth/command-gate.ts';
import { RateLimiter, type RateLimit } from '../auth/rate-limit.ts';
import { foreignOrigin, type AllowedHosts } from '../auth/allowed-hosts.ts';
import { tokensMatch } from '../auth/tokens.ts';
import { parseRequestTarget } from '../http/request-target.ts';
import type { ClusterRegistry, LabSession } from '../cluster-registry.ts';
import { ClusterFeed, Viewer, type BackpressureLimits } from './viewer.ts';

/** Frames from a page are commands; the largest is a put of the largest value. ws refuses more. */
export const MAX_CLIENT_FRAME_BYTES = MAX_VALUE_BYTES + 8 * 1024;

export interface LiveLimits extends BackpressureLimits {
  /** Open WebSocket connections per server. */
  readonly maxConnections: number;
  /** Commands per connection. */
  readonly commands: RateLimit;
  /** A peer is pinged this often and dropped if it did not answer the previous ping. */
  readonly heartbeatMs: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  maxConnections: 1000,
  commands: { perSecond: 20, burst: 40 },
  heartbeatMs: 15_000,
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 64 * 1024,
};

export class LiveServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  /** Extra header lines of the 101 answer (the lab server names itself there). */
  upgradeHeaders: () => readonly string[] = () => [];
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly viewers = new Set<Viewer>();
  /** One feed per watched cluster: events are batched and serialised once for all its viewers. */
  private readonly feeds = new Map<LabSession, ClusterFeed>();
  private readonly rate: RateLimiter<WebSocket>;
  /** Counters for /metrics. */
  readonly stats = { framesSent: 0, eventsSent: 0, resyncs: 0, refusedUpgrades: 0, framesOverRate: 0 };

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly hosts: AllowedHosts,
    private readonly limits: LiveLimits = DEFAULT_LIVE_LIMITS,
  ) {
    this.rate = new RateLimiter(limits.commands);
    this.wss.on('headers', (headers) => headers.push(...this.upgradeHeaders()));
    // Terminate peers that stopped answering pings (a closed laptop lid, a dead proxy).
    this.heartbeat = setInterval(() => {
      for (const socket of this.wss.clients) {
        if (!this.alive.has(socket)) {
          socket.terminate();
          continue;
        }
        this.alive.delete(socket);
        socket.ping();
      }
    }, limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get connections(): number {
    return this.wss.clients.size;
  }

  /** Viewers currently switched to the coalesced mode (their socket is backed up). */
  get behind(): number {
    let count = 0;
    for (const viewer of this.viewers) if (viewer.behind) count += 1;
    return count;
  }

  /** Called for every HTTP upgrade; answers 4xx and closes for anything that is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    // The same reading of the path, and the same Host and Origin rules, as every HTTP request.
    const parsed = parseRequestTarget(request.url);
    if (!parsed.ok) return this.refuse(socket, 400, 'Bad Request');
    const [api, clusters, rawName, live, ...more] = parsed.target.segments;
    const isLive = api === 'api' && clusters === 'clusters' && live === 'live' && more.length === 0 && !parsed.target.trailingSlash;
    const name = isLive ? clusterNameSchema.safeParse(rawName) : null;
    const session = name?.success ? this.registry.get(name.data) : undefined;
    if (!session) return this.refuse(socket, 404, 'Not Found');
    if (!this.hosts.allows(request.headers.host) || foreignOrigin(request) !== null) return this.refuse(socket, 403, 'Forbidden');
    if (this.wss.clients.size >= this.limits.maxConnections) return this.refuse(socket, 503, 'Service Unavailable');
    const control = tokensMatch(parsed.target.query.get('token'), session.token);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, session, control));
  }

  /** The cluster started or stopped showing values to watchers: every page of it starts over. */
  valuesVisibilityChanged(session: LabSession): void {
    for (const viewer of this.viewers) if (viewer.session === session) viewer.resync();
  }

  /** Closes every connection on a cluster that was removed (idle or deleted). */
  clusterRemoved(name: string, why: string): void {
    for (const viewer of this.viewers) if (viewer.session.name === name) viewer.socket.close(4404, `cluster ${why}`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const socket of this.wss.clients) socket.terminate();
    for (const feed of this.feeds.values()) feed.dispose();
    this.feeds.clear();
    this.wss.close();
  }

  private serve(socket: WebSocket, session: LabSession, control: boolean): void {
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    socket.on('error', () => socket.terminate());
    session.viewers += 1;
    const viewer = new Viewer(socket, session, this.limits, this.stats);
    this.viewers.add(viewer);
    let feed = this.feeds.get(session);
    if (!feed) {
      feed = new ClusterFeed(session, this.stats);
      this.feeds.set(session, feed);
    }
    feed.add(viewer);
    viewer.welcome(PROTOCOL_VERSION, control);

    socket.on('message', (data, isBinary) => {
      // One limit for every frame, valid or not. Past it a command still hears `rate-limited` (the
      // page waits for each id's result), but junk gets no answer: a flood of bad frames must not
      // become a flood of error frames.
      const withinRate = this.rate.allow(socket);
      if (!withinRate) this.stats.framesOverRate += 1;
      const parsed = isBinary ? ({ ok: false, error: 'frames must be JSON text' } as const) : parseClientFrame(data.toString());
      if (!parsed.ok) {
        if (withinRate) viewer.send({ type: 'error', error: parsed.error });
        return;
      }
      const { id, command } = parsed.value;
      void runCommand(this.registry, session, command, { control, withinRate }).then((result) => viewer.send({ type: 'result', id, result }));
    });
    socket.on('close', () => {
      viewer.dispose();
      this.viewers.delete(viewer);
      feed.delete(viewer);
      if (feed.size === 0) {
        feed.dispose();
        this.feeds.delete(session);
      }
      session.viewers -= 1;
      this.registry.touch(session);
    });
  }

  private refuse(socket: Duplex, status: number, text: string): void {
    this.stats.refusedUpgrades += 1;
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
}
