// Streaming to pages. One feed per cluster gathers events for BATCH_MS and serialises each batch
// once, whatever the number of viewers. Each viewer watches its own socket: past `highWaterBytes`
// of unsent data it stops receiving batches (so no buffer grows without bound), and once the
// socket drains below `lowWaterBytes` it gets one coalesced summary of everything it missed — a
// fresh `welcome` frame with the current view — and then the stream again. A viewer without the
// token sees digests in place of values (shared/protocol/redact.ts) unless the cluster's values
// are public; the feed serialises each batch at most twice, once per kind of viewer.
import type { WebSocket } from 'ws';
import type { ServerFrame } from '../../shared/protocol/frames.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import { redactEvent, redactView, type ValuesShown } from '../../shared/protocol/redact.ts';
import type { LabSession } from '../cluster-registry.ts';

/** Events are gathered for this long and sent as one frame. */
export const BATCH_MS = 16;
/** How often a backed-up viewer's socket is checked for having drained. */
const DRAIN_CHECK_MS = 100;

export interface BackpressureLimits {
  readonly highWaterBytes: number;
  readonly lowWaterBytes: number;
}

export interface StreamStats {
  framesSent: number;
  eventsSent: number;
  resyncs: number;
}

export class ClusterFeed {
  private readonly viewers = new Set<Viewer>();
  private batch: ClusterEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly session: LabSession,
    private readonly stats: StreamStats,
  ) {
    this.unsubscribe = session.cluster.events.subscribe((event) => {
      this.batch.push(event);
      this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
    });
  }

  get size(): number {
    return this.viewers.size;
  }

  add(viewer: Viewer): void {
    this.viewers.add(viewer);
  }

  delete(viewer: Viewer): void {
    this.viewers.delete(viewer);
  }

  dispose(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    this.timer = null;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    const clock = this.session.cluster.clock.state();
    const texts: Partial<Record<ValuesShown, string>> = {};
    const textFor = (values: ValuesShown): string =>
      (texts[values] ??= JSON.stringify({
        type: 'events',
        events: values === 'shown' ? events : events.map((event) => redactEvent(event, this.session.digest)),
        clock,
      } satisfies ServerFrame));
    for (const viewer of this.viewers) if (viewer.deliver(textFor(viewer.values))) this.stats.eventsSent += events.length;
  }
}

export class Viewer {
  /** Switched to the coalesced mode: batches are skipped until the socket drains. */
  behind = false;
  private control = false;
  private drainTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly session: LabSession,
    private readonly limits: BackpressureLimits,
    private readonly stats: StreamStats,
  ) {}

  /** The first frame, and the summary after a backed-up spell: the whole view as of now. */
  welcome(protocol: number, control: boolean): void {
    this.control = control;
    this.sendWelcome(protocol);
  }

  /** What this viewer may see of values: the token holder and a cluster with public values see them. */
  get values(): ValuesShown {
    return this.control || this.session.publicValues ? 'shown' : 'digests';
  }

  /** The cluster changed what watchers see: start over from a fresh welcome. */
  resync(): void {
    if (this.behind) return; // it gets a fresh welcome once it drains anyway
    this.sendWelcome(this.protocol);
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** One serialised events frame; false when skipped (closed or backed up). */
  deliver(text: string): boolean {
    if (this.behind) return false;
    const buffered = this.socket.bufferedAmount;
    // What is left of the welcome is not falling behind: a view larger than the high-water mark
    // (a store of large values) would otherwise send this viewer back to a welcome for ever.
    this.welcomeLeft = Math.min(this.welcomeLeft, buffered);
    if (buffered > this.limits.highWaterBytes + this.welcomeLeft) {
      this.behind = true;
      this.drainTimer = setInterval(() => this.checkDrained(), DRAIN_CHECK_MS);
      return false;
    }
    return this.sendText(text);
  }

  dispose(): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
  }

  private checkDrained(): void {
    if (this.socket.readyState !== this.socket.OPEN) return this.dispose();
    if (this.socket.bufferedAmount > this.limits.lowWaterBytes) return;
    this.dispose();
    this.behind = false;
    this.stats.resyncs += 1;
    this.sendWelcome(this.protocol);
  }

  private protocol = 0;
  /** Bytes of the last welcome that may still be in the socket's buffer (shrinks as it drains). */
  private welcomeLeft = 0;

  private sendWelcome(protocol: number): void {
    this.protocol = protocol;
    const values = this.values;
    const view = values === 'shown' ? this.session.cluster.view : redactView(this.session.cluster.view, this.session.digest);
    const text = JSON.stringify({ type: 'welcome', protocol, control: this.control, values, publicValues: this.session.publicValues, view } satisfies ServerFrame);
    this.welcomeLeft = Buffer.byteLength(text);
    this.sendText(text);
  }

  private sendText(text: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(text);
    this.stats.framesSent += 1;
    return true;
  }
}
