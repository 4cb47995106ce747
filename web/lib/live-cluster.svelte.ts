// The page's live connection to one cluster: the view (folded from the server's events by the
// shared reducer), the recording of everything seen, the connection state, and typed commands.
import {
  PROTOCOL_VERSION,
  applyEvent,
  parseServerFrame,
  type ClockView,
  type ClusterEvent,
  type ClusterView,
  type LabCommand,
  type CommandResult,
} from '../../shared/protocol/index.ts';
import { flushSync } from 'svelte';
import { Recorder } from './recorder.ts';
import { perfProbe } from './perf-probe.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

const RECONNECT_MS = [250, 500, 1000, 2000, 4000];
/** Above this many in-flight messages the view stops tracking each one (production speed). */
export const MAX_TRACKED_IN_FLIGHT = 600;
/** Events per second above which the page aggregates messages instead of following each one;
 *  below the lower mark it goes back (hysteresis, so it does not flicker between the two). */
const AGGREGATE_ABOVE = 500;
const FOLLOW_BELOW = 300;
/** How often the screen takes the newest state while aggregating. */
const SUMMARY_EVERY_MS = 250;

export class LiveCluster {
  #view = $state<ClusterView | null>(null);
  /** While aggregating, the newest state four times a second, whole and not deeply reactive: every
   *  summary changes most of it, and reading a fresh deep proxy costs more than the values do. */
  #summary = $state.raw<ClusterView | null>(null);
  #connection = $state<ConnectionState>('connecting');
  /** The server lets this connection control the cluster (it presented the token), or only watch. */
  #control = $state(false);
  /** digests: the server sends a digest in place of every value (no token, values not public). */
  #values = $state<'shown' | 'digests'>('shown');
  #publicValues = $state(false);
  #problem = $state<string | null>(null);
  /** Bumped on every batch: derived values that read the (non-reactive) recorder depend on it. */
  #version = $state(0);
  #recorder: Recorder | null = null;
  #socket: WebSocket | null = null;
  #pending = new Map<number, (result: CommandResult) => void>();
  #nextId = 1;
  #attempt = 0;
  #closed = false;
  #clockAnchor: { clock: ClockView; realAt: number } | null = null;
  /** Events per second over the last second, to switch to aggregated drawing at production speed. */
  #rate = $state(0);
  #rateWindow: { at: number; count: number }[] = [];
  #aggregated = $state(false);

  constructor(
    readonly clusterName: string,
    /** The cluster's control token (from the control link's #token=…), or null to watch. */
    private readonly token: string | null = null,
    private readonly baseUrl: string = location.origin,
  ) {}

  get values(): 'shown' | 'digests' {
    return this.#values;
  }

  get publicValues(): boolean {
    return this.#publicValues;
  }

  get control(): boolean {
    return this.#control;
  }

  get view(): ClusterView | null {
    return this.#aggregated && this.#summary ? this.#summary : this.#view;
  }
  get connection(): ConnectionState {
    return this.#connection;
  }
  get problem(): string | null {
    return this.#problem;
  }
  get version(): number {
    return this.#version;
  }
  get recorder(): Recorder | null {
    return this.#recorder;
  }
  get eventsPerSecond(): number {
    return this.#rate;
  }
  /** Production speed: messages are summarised (counted per link), not animated one by one. */
  get aggregated(): boolean {
    return this.#aggregated;
  }

  connect(): void {
    this.#closed = false;
    const url = new URL(`/api/clusters/${encodeURIComponent(this.clusterName)}/live`, this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.token) url.searchParams.set('token', this.token);
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

  send(command: LabCommand): Promise<CommandResult> {
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
    const receivedAt = performance.now();
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
        this.#control = frame.control;
        this.#publicValues = frame.publicValues;
        this.#problem = null;
        // A reconnect cannot fill the gap in the recording, and a recording holds values or digests,
        // never both: start a new one from this view.
        if (!this.#recorder || frame.view.seq !== this.#recorder.head.seq || frame.values !== this.#values) this.#recorder = new Recorder(frame.view);
        this.#values = frame.values;
        this.#view = frame.view;
        this.#summary = null;
        this.#anchor(frame.view.clock);
        this.#version++;
        return;
      case 'events':
        this.#apply(frame.events);
        this.#anchor(frame.clock);
        this.#recorder?.advanceClock(frame.clock.now);
        perfProbe.frameApplied(receivedAt, frame.events.length);
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
    if (!this.#view) return;
    const fresh = this.#recorder?.append(events) ?? events;
    this.#countRate(fresh.length);
    // (Leaving aggregation replaces the view with the newest state: read it after counting.)
    const view = this.#view;
    if (this.#aggregated && this.#recorder) {
      // Production speed: thousands of events a second. The recording takes every one; the screen
      // takes a summary of the newest state four times a second, instead of falling behind.
      this.#scheduleSummary();
      return;
    }
    for (const event of fresh) {
      if (event.seq <= view.seq) continue;
      if (event.type === 'message-sent' && view.inFlight.length >= MAX_TRACKED_IN_FLIGHT) {
        view.seq = event.seq;
        continue;
      }
      applyEvent(view, event);
    }
    this.#version++;
  }

  #summaryTimer: ReturnType<typeof setTimeout> | null = null;

  #scheduleSummary(): void {
    if (this.#summaryTimer !== null) return;
    this.#summaryTimer = setTimeout(() => {
      this.#summaryTimer = null;
      const head = this.#recorder?.head;
      if (!head || !this.#aggregated) return;
      const started = performance.now();
      // Flushed at once (Svelte would flush in a microtask of this task anyway) so the probe can
      // time the script a summary costs.
      flushSync(() => {
        this.#summary = structuredClone({ ...head, inFlight: head.inFlight.slice(-MAX_TRACKED_IN_FLIGHT) });
        this.#version++;
      });
      perfProbe.summaryApplied(performance.now() - started);
    }, SUMMARY_EVERY_MS);
  }

  #countRate(count: number): void {
    const now = performance.now();
    this.#rateWindow.push({ at: now, count });
    while (this.#rateWindow.length > 0 && this.#rateWindow[0]!.at < now - 1000) this.#rateWindow.shift();
    this.#rate = this.#rateWindow.reduce((sum, entry) => sum + entry.count, 0);
    if (!this.#aggregated && this.#rate > AGGREGATE_ABOVE) this.#aggregated = true;
    else if (this.#aggregated && this.#rate < FOLLOW_BELOW) {
      // Back to following each event: start from the full newest state.
      this.#aggregated = false;
      this.#summary = null;
      if (this.#recorder) this.#view = structuredClone({ ...this.#recorder.head, inFlight: this.#recorder.head.inFlight.slice(-MAX_TRACKED_IN_FLIGHT) });
    }
  }

  #anchor(clock: ClockView): void {
    this.#clockAnchor = { clock, realAt: performance.now() };
  }
}
