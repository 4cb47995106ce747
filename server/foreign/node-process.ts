// One foreign node's operating-system process: spawned without a shell in its own process group
// (detached), so a kill, a pause or a server stop reaches it and everything it started. Its stdout
// is read as bounded lines, each validated as a Maelstrom message; its stderr is kept as a tail for
// its card. No process outlives what owns it: kill SIGKILLs the group, the group is swept again
// when its leader exits (orphans it left), and the server's own exit sweeps every group still alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { envelopeSchema, type Envelope } from './maelstrom-protocol.ts';
import { BoundedLines, StreamTail } from './bounded-lines.ts';
import type { NodeRunner } from './node-runner.ts';

/** Bounds: one message line, the stderr kept, what may wait unread in the node's stdin. */
export const MAX_LINE_BYTES = 1 << 20;
export const STDERR_TAIL_BYTES = 4096;
export const MAX_STDIN_BUFFER = 4 << 20;

export interface ProcessEvents {
  /** A valid message line. */
  message(envelope: Envelope): void;
  /** A line that is not a Maelstrom message (or too long): said on the node's card, never sent on. */
  problem(text: string): void;
  /** The process is gone (and its group swept). `error` is set when it could not be started. */
  exit(exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly error: string | null }): void;
}

/** Process groups alive now, swept if the server itself exits (tests, Ctrl-C, a crash). */
const liveGroups = new Set<number>();
let sweepInstalled = false;

function installSweep(): void {
  if (sweepInstalled) return;
  sweepInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is gone already
  }
}

/** The environment a node gets: enough to run, none of the server's secrets (RAFTLAB_TOKEN…). */
export function nodeEnvironment(dir: string, id: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { RAFTLAB_DATA_DIR: dir, RAFTLAB_NODE_ID: id };
  for (const name of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

export class NodeProcess implements NodeRunner {
  private readonly child: ChildProcess;
  private readonly stderr = new StreamTail(STDERR_TAIL_BYTES);
  private readonly exited: Promise<void>;
  private alive = true;

  constructor(argv: readonly string[], dir: string, id: string, events: ProcessEvents) {
    installSweep();
    this.child = spawn(argv[0]!, argv.slice(1), { detached: true, shell: false, cwd: dir, env: nodeEnvironment(dir, id), stdio: ['pipe', 'pipe', 'pipe'] });
    const pid = this.child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    let spawnError: string | null = null;
    this.exited = new Promise((resolve) => {
      // 'close' comes after the streams ended, so the last lines of stdout are in before the exit.
      this.child.once('close', (code, signal) => {
        this.alive = false;
        if (pid !== undefined) {
          killGroup(pid, 'SIGKILL'); // what the node started and left behind goes with it
          liveGroups.delete(pid);
        }
        events.exit({ code, signal, error: spawnError });
        resolve();
      });
    });
    this.child.once('error', (error) => {
      spawnError = `could not start ${argv[0]}: ${error.message}`;
    });
    const lines = new BoundedLines(MAX_LINE_BYTES, {
      line: (text) => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          events.problem(`printed a line that is not JSON: ${text.slice(0, 120)}`);
          return;
        }
        const parsed = envelopeSchema.safeParse(json);
        if (parsed.success) events.message(parsed.data);
        else events.problem(`printed a line that is not a Maelstrom message (${parsed.error.issues[0]?.path.join('.') || 'message'}: ${parsed.error.issues[0]?.message ?? '?'}): ${text.slice(0, 120)}`);
      },
      overlong: (bytes, prefix) => events.problem(`printed a line of more than ${bytes} bytes (the limit is ${MAX_LINE_BYTES}); dropped: ${prefix}…`),
    });
    this.child.stdout!.on('data', (chunk: Buffer) => lines.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.stdin!.on('error', () => {}); // EPIPE from a node that died: its exit says so
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.alive;
  }

  /** The last lines of its stderr. */
  stderrTail(lines = 8): string {
    return this.stderr.lastLines(lines);
  }

  /** Writes one message to its stdin; false when it is gone or has left too much unread. */
  send(message: Envelope): boolean {
    const stdin = this.child.stdin;
    if (!this.alive || !stdin || stdin.destroyed || stdin.writableLength > MAX_STDIN_BUFFER) return false;
    stdin.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /** SIGKILL to its whole process group; resolves once it is gone. */
  kill(): Promise<void> {
    if (this.child.pid !== undefined) killGroup(this.child.pid, 'SIGKILL');
    return this.exited;
  }

  /** SIGSTOP / SIGCONT of the group: the lab's pause button. */
  freeze(frozen: boolean): void {
    if (this.alive && this.child.pid !== undefined) killGroup(this.child.pid, frozen ? 'SIGSTOP' : 'SIGCONT');
  }
}
