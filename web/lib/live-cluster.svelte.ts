// The page's live connection to one cluster: the view (folded from the server's events by the
// shared reducer), the connection state, and typed commands with their results.
import {
  PROTOCOL_VERSION,
  applyEvent,
  describeEvent,
  parseServerFrame,
  type ClockView,
  type ClusterEvent,
  type ClusterView,
  type Command,
  type CommandResult,
} from '../../shared/protocol/index.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface FeedLine {
  readonly seq: number;
  readonly time: number;
  readonly text: string;
}

const FEED_LIMIT = 200;
const RECONNECT_MS = [250, 500, 1000, 2000, 4000];

export class LiveCluster {
  #view = $state<ClusterView | null>(null);
  #connection = $state<ConnectionState>('connecting');
  #problem = $state<string | null>(null);
  #feed = $state<FeedLine[]>([]);
  #socket: WebSocket | null = null;
  #pending = new Map<number, (result: CommandResult) => void>();
  #nextId = 1;
  #attempt = 0;
  #closed = false;
  /** Virtual time as last reported, and the real moment we heard it, to extrapolate between frames. */
  #clockAnchor: { clock: ClockView; realAt: number } | null = null;

  constructor(
    readonly clusterName: string,
    private readonly baseUrl: string = location.origin,
  ) {}

  get view(): ClusterView | null {
    return this.#view;
  }

  get connection(): ConnectionState {
    return this.#connection;
  }

  /** The last thing that went wrong with the connection or a frame, for the status bar. */
  get problem(): string | null {
    return this.#problem;
  }

  get feed(): readonly FeedLine[] {
    return this.#feed;
  }

  get leader(): string | null {
    const nodes = this.#view?.nodes ?? [];
    const leaders = nodes.filter((node) => node.life === 'alive' && node.role === 'leader');
    return leaders.sort((a, b) => b.term - a.term)[0]?.id ?? null;
  }

  connect(): void {
    this.#closed = false;
    const url = new URL(`/api/clusters/${encodeURIComponent(this.clusterName)}/live`, this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.#socket = socket;
    this.#connection = 'connecting';
    socket.onmessage = (message) => this.#receive(String(message.data));
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#connection = 'closed';
      for (const resolve of this.#pending.values()) resolve({ ok: false, code: 'unavailable', error: 'connection to the lab was lost' });
      this.#pending.clear();
      if (!this.#closed) {
        const delay = RECONNECT_MS[Math.min(this.#attempt++, RECONNECT_MS.length - 1)]!;
        setTimeout(() => this.connect(), delay);
      }
    };
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close();
  }

  send(command: Command): Promise<CommandResult> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ ok: false, code: 'unavailable', error: 'not connected to the lab' });
    }
    const id = this.#nextId++;
    socket.send(JSON.stringify({ type: 'command', id, command }));
    return new Promise((resolve) => this.#pending.set(id, resolve));
  }

  /** Virtual time now, extrapolated from the last clock the server sent. */
  virtualNow(realNow: number = performance.now()): number {
    const anchor = this.#clockAnchor;
    if (!anchor) return 0;
    if (anchor.clock.paused) return anchor.clock.now;
    return anchor.clock.now + (realNow - anchor.realAt) * anchor.clock.speed;
  }

  #receive(text: string): void {
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      this.#problem = `ignored a frame from the server: ${parsed.error}`;
      return;
    }
    const frame = parsed.value;
    switch (frame.type) {
      case 'welcome':
        if (frame.protocol !== PROTOCOL_VERSION) {
          this.#problem = `the server speaks protocol ${frame.protocol}, this page ${PROTOCOL_VERSION}: reload the page`;
          this.close();
          return;
        }
        this.#attempt = 0;
        this.#connection = 'open';
        this.#problem = null;
        this.#view = frame.view;
        this.#anchor(frame.view.clock);
        return;
      case 'events':
        this.#apply(frame.events);
        this.#anchor(frame.clock);
        return;
      case 'result':
        this.#pending.get(frame.id)?.(frame.result);
        this.#pending.delete(frame.id);
        return;
      case 'error':
        this.#problem = frame.error;
        return;
    }
  }

  #apply(events: readonly ClusterEvent[]): void {
    const view = this.#view;
    if (!view) return;
    const lines: FeedLine[] = [];
    for (const event of events) {
      if (event.seq <= view.seq) continue;
      applyEvent(view, event);
      const text = describeEvent(event);
      if (text) lines.push({ seq: event.seq, time: event.time, text });
    }
    if (lines.length > 0) this.#feed = [...lines.reverse(), ...this.#feed].slice(0, FEED_LIMIT);
  }

  #anchor(clock: ClockView): void {
    this.#clockAnchor = { clock, realAt: performance.now() };
  }
}
