// What runs one foreign node, seen from its host: a process (node-process.ts) or a worker thread
// running a JS/TS module (module-node.ts). Both take Maelstrom envelopes in, hand validated ones
// out (ProcessEvents), keep a tail of the node's logs, and stop for good on kill.
import type { Envelope } from './maelstrom-protocol.ts';
import type { ProcessEvents } from './node-process.ts';

export interface NodeRunner {
  /** The process id, for a process (a worker thread has none). */
  readonly pid: number | undefined;
  readonly running: boolean;
  stderrTail(lines?: number): string;
  /** Hands one message to the node; false when it is gone or has left too much unread. */
  send(message: Envelope): boolean;
  kill(): Promise<void>;
  /** The lab's pause: a process is stopped (SIGSTOP); a worker's messages are held instead. */
  freeze(frozen: boolean): void;
}

export type StartRunner = (dir: string, id: string, events: ProcessEvents) => NodeRunner;
