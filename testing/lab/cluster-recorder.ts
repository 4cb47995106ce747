// What a cluster did, recorded as the page records it: the lab has no export route (its event log
// keeps only its last few thousand events, not the view they started from), so this watches the
// cluster's WebSocket from the moment it is made, as a page would, keeps the welcome view and every
// event after it on a tape (shared/protocol/recording-tape.ts, the grader's too), and writes the
// page's own recording format (shared/protocol/recording.ts): the
// file opens on the page with "Import a recording". With the token, values are shown.
import WebSocket from 'ws';
import { describeEvent } from '../../shared/protocol/describe-event.ts';
import type { ClusterEvent } from '../../shared/protocol/events.ts';
import { parseServerFrame } from '../../shared/protocol/frames.ts';
import type { Recording } from '../../shared/protocol/recording.ts';
import { RecordingTape } from '../../shared/protocol/recording-tape.ts';

export class ClusterRecorder {
  #tape: RecordingTape | null = null;
  readonly #socket: WebSocket;
  /** Resolves once the welcome frame (the starting view) has arrived. */
  readonly ready: Promise<void>;

  constructor(labUrl: string, cluster: string, token: string | undefined) {
    const url = new URL(`/api/clusters/${encodeURIComponent(cluster)}/live`, labUrl.replace(/^http/, 'ws'));
    if (token) url.searchParams.set('token', token);
    this.#socket = new WebSocket(url);
    this.ready = new Promise((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.on('message', (data) => {
        const frame = parseServerFrame(String(data));
        if (!frame.ok) return;
        if (frame.value.type === 'welcome') {
          // A resync (the server coalesced what we missed) starts the recording over, as the page does.
          if (this.#tape === null) this.#tape = new RecordingTape(frame.value.view);
          else if (frame.value.view.seq !== this.#tape.lastSeq) this.#tape.restart(frame.value.view);
          resolve();
        } else if (frame.value.type === 'events') this.#tape?.append(frame.value.events);
      });
    });
  }

  get events(): readonly ClusterEvent[] {
    return this.#tape?.events ?? [];
  }

  /** The recording so far, in the page's format (null before the welcome frame). */
  recording(name: string): Recording | null {
    return this.#tape?.recording(name) ?? null;
  }

  /** The events as the page's feed words them, one a line with their virtual time. */
  eventLog(): string {
    const lines: string[] = [];
    for (const event of this.events) {
      const text = describeEvent(event);
      if (text !== null) lines.push(`${(event.time / 1000).toFixed(3).padStart(10)} s  #${event.seq}  ${text}`);
    }
    return `${lines.join('\n')}\n`;
  }

  close(): void {
    this.#socket.close();
  }
}
