// The WebSocket side: one connection per open page. A page gets the whole view on connect, then
// events batched per frame; it sends typed commands and gets a result for each.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { parseClientFrame, type ServerFrame } from '../../shared/protocol/frames.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import { clusterNameSchema } from '../../shared/protocol/schemas.ts';
import type { ClusterRegistry } from '../cluster-registry.ts';
import type { Cluster } from '../cluster/cluster.ts';

/** Frames from a page are small commands; anything larger is refused by ws itself. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** Events are gathered for this long and sent as one frame. */
const BATCH_MS = 16;
const HEARTBEAT_MS = 15_000;

export class LiveServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();

  constructor(private readonly clusters: ClusterRegistry) {
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
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get connections(): number {
    return this.wss.clients.size;
  }

  /** Called for every HTTP upgrade; answers 4xx and closes for anything that is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://x');
    const match = /^\/api\/clusters\/([^/]+)\/live$/.exec(url.pathname);
    const name = match ? clusterNameSchema.safeParse(match[1]) : null;
    const cluster = name?.success ? this.clusters.get(name.data) : undefined;
    if (!cluster) return refuse(socket, 404, 'Not Found');
    if (!sameOrigin(request)) return refuse(socket, 403, 'Forbidden');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, cluster));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const socket of this.wss.clients) socket.terminate();
    this.wss.close();
  }

  private serve(socket: WebSocket, cluster: Cluster): void {
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    send(socket, { type: 'welcome', protocol: PROTOCOL_VERSION, control: true, view: cluster.view });

    let batch: ClusterEvent[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = (): void => {
      timer = null;
      if (batch.length === 0) return;
      send(socket, { type: 'events', events: batch, clock: cluster.clock.state() });
      batch = [];
    };
    const unsubscribe = cluster.events.subscribe((event) => {
      batch.push(event);
      timer ??= setTimeout(flush, BATCH_MS);
    });

    socket.on('message', (data, isBinary) => {
      if (isBinary) return send(socket, { type: 'error', error: 'frames must be JSON text' });
      const parsed = parseClientFrame(data.toString());
      if (!parsed.ok) return send(socket, { type: 'error', error: parsed.error });
      const { id, command } = parsed.value;
      cluster.execute(command).then(
        (result) => send(socket, { type: 'result', id, result }),
        (error: unknown) => {
          console.error('command failed', error);
          send(socket, { type: 'result', id, result: { ok: false, code: 'internal', error: 'internal error (see the server log)' } });
        },
      );
    });
    socket.on('close', () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    });
  }
}

function send(socket: WebSocket, frame: ServerFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

/** Browsers always send Origin; it must name this server. Non-browser clients send none. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
