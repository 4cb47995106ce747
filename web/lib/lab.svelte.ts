// The lab as the page sees it: a live cluster or a saved recording, the moment being looked at
// (LIVE, or a point in the recorded past), and what the person has selected. Components read from
// here and act through its methods; nothing else holds page-wide state.
import { applyEvent, type ClusterView, type CommandResult, type LabCommand } from '../../shared/protocol/index.ts';
import { LiveCluster } from './live-cluster.svelte.ts';
import { Recorder } from './recorder.ts';
import { makeRecording, type Recording } from '../../shared/protocol/recording.ts';

export interface Notice {
  readonly id: number;
  readonly ok: boolean;
  readonly text: string;
}

/** Jumping further than this many events forward rebuilds from a checkpoint instead of folding. */
const FOLD_LIMIT = 3000;
/** How often whole-recording analyses refresh. */
const SLOW_EVERY_MS = 400;

export class Lab {
  readonly live: LiveCluster | null;
  /** A saved recording being replayed (then the live cluster, if any, is set aside). */
  #replay = $state.raw<{ name: string; recorder: Recorder; recording: Recording } | null>(null);
  /** Virtual time being looked at; null = LIVE. */
  #cursor = $state<number | null>(null);
  #playing = $state(false);
  #pastView = $state<ClusterView | null>(null);
  #pastCount = 0;
  #pastRecorder: Recorder | null = null;
  #replayVersion = $state(0);
  #notices = $state<Notice[]>([]);
  #noticeId = 0;
  #selectedMessage = $state<number | null>(null);
  #lastFrame = 0;
  /** A version that moves at most a few times a second, for analyses over the whole recording
   *  (metrics, history, feed): they stay current without costing every frame. */
  #slowVersion = $state(0);
  #slowSeen = -1;
  #slowAt = 0;

  constructor(live: LiveCluster | null) {
    this.live = live;
  }

  get recorder(): Recorder | null {
    return this.#replay?.recorder ?? this.live?.recorder ?? null;
  }
  /** Changes whenever the recorder gains events (the recorder itself is not reactive). */
  get version(): number {
    return (this.live?.version ?? 0) + this.#replayVersion;
  }
  /** Production speed: the page summarises, and panels off screen pause their analyses. At teaching
   *  speed everything stays current (screen readers and tests read panels without scrolling). */
  get aggregating(): boolean {
    return this.isLive && (this.live?.aggregated ?? false);
  }
  get slowVersion(): number {
    return this.#slowVersion;
  }
  get replayName(): string | null {
    return this.#replay?.name ?? null;
  }
  /** The recording being replayed (a simulator's can be branched: what-if). */
  get replayRecording(): Recording | null {
    return this.#replay?.recording ?? null;
  }
  get isLive(): boolean {
    return this.#replay === null && this.#cursor === null;
  }
  get cursor(): number | null {
    return this.#cursor;
  }
  get playing(): boolean {
    return this.#playing;
  }
  get view(): ClusterView | null {
    return this.isLive ? (this.live?.view ?? null) : this.#pastView;
  }
  get notices(): readonly Notice[] {
    return this.#notices;
  }
  get selectedMessage(): number | null {
    return this.#selectedMessage;
  }
  /** Number of recorded events up to the moment shown. */
  get eventCount(): number {
    void this.version;
    const recorder = this.recorder;
    if (!recorder) return 0;
    return this.#cursor === null ? recorder.events.length : this.#pastCount;
  }

  /** Virtual time of the moment shown, for animation. */
  now(realNow: number): number {
    if (this.#cursor !== null) return this.#cursor;
    return this.live?.virtualNow(realNow) ?? 0;
  }

  async send(command: LabCommand, doing?: string): Promise<CommandResult> {
    if (!this.isLive || !this.live) {
      const result: CommandResult = { ok: false, code: 'conflict', error: 'you are looking at the past: press LIVE to act on the cluster' };
      this.notify(false, result.error);
      return result;
    }
    const result = await this.live.send(command);
    if (!result.ok) this.notify(false, `${doing ?? command.type}: ${result.error} (${result.code})`);
    else if (doing) this.notify(true, `${doing}: done`);
    return result;
  }

  notify(ok: boolean, text: string): void {
    this.#notices = [{ id: ++this.#noticeId, ok, text }, ...this.#notices].slice(0, 6);
  }

  dismiss(id: number): void {
    this.#notices = this.#notices.filter((notice) => notice.id !== id);
  }

  selectMessage(id: number | null): void {
    this.#selectedMessage = id;
  }

  // ── Time travel ─────────────────────────────────────────────────────────────────────────────

  seek(time: number): void {
    const recorder = this.recorder;
    if (!recorder) return;
    const clamped = Math.max(recorder.startTime, Math.min(recorder.endTime, time));
    const target = recorder.countUntil(clamped);
    const view = this.#pastView;
    if (view && this.#pastRecorder === recorder && target >= this.#pastCount && target - this.#pastCount <= FOLD_LIMIT) {
      for (let i = this.#pastCount; i < target; i++) applyEvent(view, recorder.events[i]!);
      view.clock.now = clamped;
    } else {
      this.#pastView = recorder.viewAt(clamped);
      this.#pastRecorder = recorder;
    }
    this.#pastCount = target;
    this.#cursor = clamped;
  }

  /** Steps the cursor by `deltaMs` of virtual time (from LIVE, starts at the newest moment). */
  scrub(deltaMs: number): void {
    const recorder = this.recorder;
    if (!recorder) return;
    const from = this.#cursor ?? (this.live?.virtualNow() ?? recorder.endTime);
    this.#playing = false;
    this.seek(from + deltaMs);
  }

  goLive(): void {
    this.#playing = false;
    if (this.#replay) {
      this.#replay = null;
      this.#replayVersion++;
    }
    this.#cursor = null;
    this.#pastView = null;
    this.#pastRecorder = null;
  }

  play(): void {
    const recorder = this.recorder;
    if (!recorder) return;
    if (this.#cursor === null) this.seek(recorder.startTime);
    else if (this.#cursor >= recorder.endTime) this.seek(recorder.startTime);
    this.#playing = true;
  }

  pausePlayback(): void {
    this.#playing = false;
  }

  /** Called every animation frame: advances a playing replay by real time × `speed`. */
  frame(realNow: number, speed: number): void {
    const elapsed = this.#lastFrame === 0 ? 0 : Math.min(100, realNow - this.#lastFrame);
    this.#lastFrame = realNow;
    const seen = this.version + (this.#cursor ?? 0);
    if (seen !== this.#slowSeen && realNow - this.#slowAt >= SLOW_EVERY_MS) {
      this.#slowSeen = seen;
      this.#slowAt = realNow;
      this.#slowVersion++;
    }
    if (!this.#playing || this.#cursor === null) return;
    const recorder = this.recorder;
    if (!recorder) return;
    const next = this.#cursor + elapsed * speed;
    if (next >= recorder.endTime) {
      this.seek(recorder.endTime);
      this.#playing = false;
      // A live recording that reaches its end simply is live again.
      if (!this.#replay) this.goLive();
      return;
    }
    this.seek(next);
  }

  openRecording(recording: Recording): void {
    this.#replay = { name: recording.name, recording, recorder: new Recorder(recording.start, recording.events, { maxEvents: Math.max(60_000, recording.events.length) }) };
    this.#replayVersion++;
    this.#pastView = null;
    this.#pastRecorder = null;
    // A recording with a moment (a grader's failed check) opens there, not at its start.
    this.seek(recording.moment?.time ?? this.#replay.recorder.startTime);
    this.#playing = false;
  }

  /** The current recording (live or replayed) as a file. */
  snapshotRecording(name: string): Recording | null {
    const recorder = this.recorder;
    if (!recorder) return null;
    return makeRecording(name, recorder.start, recorder.events);
  }
}
