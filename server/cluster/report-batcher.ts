// Reports from a node's worker to the main thread, batched when nothing in them is waited for.
// Every postMessage wakes the main thread, which on a 2-core machine also serves HTTP and relays
// for the other nodes; a follower's "I appended and applied this" is only for the page and the
// live checker, so it may wait a few milliseconds and travel with the next report. A report that
// someone waits for (a client's answer, messages for the bus, a change of role, term or leader, a
// replaced state machine) goes at once, with everything that waited before it, in order.
import type { FromWorker, ReadyReport } from './worker-protocol.ts';

/** How long a report nobody waits for may be held back (real ms): one animation frame, the page
 *  draws at most that often anyway. */
export const REPORT_HOLD_MS = 16;

export type Posted = FromWorker | { readonly type: 'reports'; readonly reports: readonly ReadyReport[] };

export interface BatcherTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: BatcherTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ReportBatcher {
  private held: ReadyReport[] = [];
  private timer: unknown = null;
  /** What the main thread last heard about who leads, so a change is never held back. */
  private sent = { role: '', term: -1, leader: null as string | null };

  constructor(
    private readonly post: (message: Posted) => void,
    private readonly timers: BatcherTimers = realTimers,
    private readonly holdMs = REPORT_HOLD_MS,
  ) {}

  report(message: FromWorker): void {
    if (message.type === 'ready' && !this.urgent(message)) {
      this.held.push(message);
      this.timer ??= this.timers.set(() => this.flush(), this.holdMs);
      return;
    }
    if (message.type === 'ready' && message.status) this.sent = { role: message.status.role, term: message.status.term, leader: message.status.leader };
    if (this.held.length === 0) return this.post(message);
    if (message.type !== 'ready') {
      this.flush();
      return this.post(message);
    }
    this.held.push(message);
    this.flush();
  }

  /** Sends whatever is held (one post), e.g. before the worker stops. */
  flush(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const reports = this.held;
    if (reports.length === 0) return;
    this.held = [];
    this.post(reports.length === 1 ? reports[0]! : { type: 'reports', reports });
  }

  private urgent(report: ReadyReport): boolean {
    if (report.outcomes.length > 0 || report.messages.length > 0 || report.kvReset !== undefined || report.truncatedFrom !== undefined) return true;
    const status = report.status;
    if (!status) return false;
    return status.role !== this.sent.role || status.term !== this.sent.term || status.leader !== this.sent.leader;
  }
}
