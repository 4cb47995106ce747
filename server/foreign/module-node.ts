// A foreign node that is a JS/TS module run in a worker thread (module-worker.mjs), for a student
// who wants no process plumbing. Kill terminates the thread; restart starts a new one with the same
// id and directory ($RAFTLAB_DATA_DIR in its environment; a thread cannot have a cwd of its own).
// A thread cannot be stopped as a process can, so the lab's pause holds what it sends until it
// resumes (and the bus holds what is sent to it); its timers run on, as the page says.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { envelopeSchema, type Envelope } from './maelstrom-protocol.ts';
import { StreamTail } from './bounded-lines.ts';
import { STDERR_TAIL_BYTES, nodeEnvironment, type ProcessEvents } from './node-process.ts';
import type { NodeRunner } from './node-runner.ts';

/** The esbuild bundle next to the built server, or the source beside this file. */
function moduleWorkerEntry(): URL {
  const bundled = new URL('./module-worker.js', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? bundled : new URL('./module-worker.mjs', import.meta.url);
}

/** Messages a paused module may send before the rest are dropped (it keeps running meanwhile). */
const MAX_HELD = 10_000;

export class ModuleNode implements NodeRunner {
  readonly pid = undefined;
  private readonly worker: Worker;
  private readonly logs = new StreamTail(STDERR_TAIL_BYTES);
  private readonly exited: Promise<void>;
  private alive = true;
  private frozen = false;
  private held: Envelope[] = [];

  constructor(
    modulePath: string,
    dir: string,
    id: string,
    private readonly events: ProcessEvents,
  ) {
    this.worker = new Worker(moduleWorkerEntry(), {
      workerData: { modulePath },
      env: nodeEnvironment(dir, id),
      stdout: true,
      stderr: true,
      // A module that allocates without end takes its thread down, not the server.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    this.worker.stdout.on('data', (chunk: Buffer) => this.logs.push(chunk));
    this.worker.stderr.on('data', (chunk: Buffer) => this.logs.push(chunk));
    let failure: string | null = null;
    this.worker.on('error', (error) => {
      failure = error.message;
      this.logs.push(Buffer.from(`${error.stack ?? error.message}\n`));
    });
    this.worker.on('message', (raw: unknown) => {
      const parsed = envelopeSchema.safeParse(raw);
      if (!parsed.success) return events.problem(`sent something that is not a Maelstrom message: ${JSON.stringify(raw)?.slice(0, 120)}`);
      if (!this.frozen) return events.message(parsed.data);
      if (this.held.length < MAX_HELD) this.held.push(parsed.data);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.alive = false;
        // Its streams may still hold its last words: let them in before the exit is told.
        setImmediate(() => {
          events.exit({ code, signal: null, error: failure ? `the module failed: ${failure}` : null });
          resolve();
        });
      });
    });
  }

  get running(): boolean {
    return this.alive;
  }

  stderrTail(lines = 8): string {
    return this.logs.lastLines(lines);
  }

  send(message: Envelope): boolean {
    if (!this.alive) return false;
    this.worker.postMessage(message);
    return true;
  }

  kill(): Promise<void> {
    if (this.alive) void this.worker.terminate();
    return this.exited;
  }

  freeze(frozen: boolean): void {
    this.frozen = frozen;
    if (frozen) return;
    for (const message of this.held.splice(0)) this.events.message(message);
  }
}
