// A node that is a foreign program speaking Maelstrom's protocol, hosted for the cluster like our
// worker nodes (the cluster sees a NodeHostPort). It starts the process in the node's directory,
// sends it `init`, and then turns what it prints into the lab's world: messages to other nodes go
// to the bus as data (routed by dest, shown by body.type and term), messages to a lab client go
// to the lin-kv client, messages to "raftlab" are state reports. Anything else is refused and
// said on the node's card. Its timers are its own: clock speed and pause reach its messages only.
import { mkdirSync } from 'node:fs';
import type { MessageBase } from '../../shared/raft/types.ts';
import type { NodeReport, ReadyReport } from '../../shared/node/protocol.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
import type { NodeStatus } from '../../shared/protocol/views.ts';
import type { NodeHostPort } from '../cluster/node-host-port.ts';
import type { PowerCutOutcome, StopKind } from '../cluster/node-host.ts';
import type { ClientRequest, ToWorker, WorkerInit } from '../cluster/worker-protocol.ts';
import { envelope, initOkSchema, type Envelope } from './maelstrom-protocol.ts';
import { MAX_STDIN_BUFFER } from './node-process.ts';
import type { NodeRunner, StartRunner } from './node-runner.ts';
import { ReportedLog, stateReportSchema } from './state-report.ts';
import { FloodGate } from './flood-gate.ts';

/** The lab's own address on the wire: state reports go to it. */
export const LAB_ADDRESS = 'raftlab';
/** The client that sends `init` (Maelstrom's harness does this from a client id too). */
export const INIT_CLIENT = 'c0';
/** A lab client's address: c0 is the lab's control client, c1… its clients. */
export const CLIENT_ADDRESS = /^c[0-9]{1,6}$/;

/** Messages per second one node may send, and its burst. */
const FLOOD_RATE = 5_000;
const FLOOD_BURST = 10_000;

/** A foreign message on the bus: the envelope as the node printed it (validated), and its view. */
export interface ForeignMessage extends MessageBase {
  readonly envelope: Envelope;
}

export function isForeignMessage(message: MessageBase): message is ForeignMessage {
  return 'envelope' in message;
}

export interface ForeignHostEvents {
  onReport(node: string, report: NodeReport): void;
  onExit(node: string, stop: StopKind | null, error: string | null): void;
  /** A message a node addressed to a lab client (a lin-kv reply, maybe from a node it relayed to). */
  onClientMessage(from: string, message: Envelope): void;
  /** Something it did that the lab refused, for its card. */
  onNote(node: string, note: string): void;
}

export interface ForeignSetup {
  /** Starts the node: a process of the program (never through a shell) or a module's thread. */
  readonly start: StartRunner;
  /** Every node of the cluster, for init's node_ids and to route by dest. */
  readonly nodes: () => readonly string[];
}

export class ForeignNodeHost implements NodeHostPort {
  private process: NodeRunner | null = null;
  private stopping = false;
  private frozen = false;
  private initialised = false;
  /** The status of its last state report, if it sent one. */
  private reported: NodeStatus | null = null;
  private voters: readonly string[] = [];
  private readonly reportedLog = new ReportedLog();
  private flood = new FloodGate(FLOOD_RATE, FLOOD_BURST);
  /** Messages printed in this turn of the event loop: one report (one bus send) for all of them. */
  private outbox: ForeignMessage[] = [];
  /** Client messages that came while paused: written on resume. */
  private readonly waiting: Envelope[] = [];

  constructor(
    readonly id: string,
    private readonly setup: ForeignSetup,
    private readonly events: ForeignHostEvents,
  ) {}

  get running(): boolean {
    return this.process !== null;
  }

  get paused(): boolean {
    return this.frozen && this.process !== null;
  }

  /** The process's id, while it runs (tests check no process outlives its node). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  start(init: Omit<WorkerInit, 'durability'>): void {
    if (this.process) throw new Error(`${this.id} is already running`);
    mkdirSync(init.dir, { recursive: true });
    this.stopping = false;
    this.frozen = false;
    this.initialised = false;
    this.reported = null;
    this.outbox = [];
    this.waiting.length = 0;
    // The log the lab knows of this node is kept across its restarts, as the invariant monitor keeps
    // its durable log: a node that recovered its disk goes on reporting ranges from where it was.
    this.flood = new FloodGate(FLOOD_RATE, FLOOD_BURST);
    this.voters = [...this.setup.nodes()];
    const process: NodeRunner = this.setup.start(init.dir, this.id, {
      message: (message) => {
        if (this.process === process) this.fromNode(message);
      },
      problem: (text) => {
        if (this.process === process) this.note(text);
      },
      exit: ({ code, signal, error }) => {
        if (this.process !== process) return;
        this.process = null;
        this.outbox = [];
        const stop: StopKind | null = this.stopping ? 'killed' : null;
        const tail = process.stderrTail();
        const how = error ?? (signal ? `killed by ${signal}` : `exited with code ${String(code)}`);
        const when = this.initialised ? '' : ' before answering init';
        this.events.onExit(this.id, stop, stop ? null : `${how}${when}${tail ? `; its stderr ended with:\n${tail}` : ' (nothing on stderr)'}`);
      },
    });
    this.process = process;
    process.send(envelope(INIT_CLIENT, this.id, { type: 'init', msg_id: 1, node_id: this.id, node_ids: [...this.voters] }));
  }

  /** Deliveries from the bus: each envelope written to the node's stdin as it was printed. */
  post(message: ToWorker): boolean {
    const process = this.process;
    if (!process) return false;
    if (message.type !== 'deliver') return true;
    for (const item of message.messages) {
      if (!isForeignMessage(item)) continue;
      if (!process.send(item.envelope)) this.note(`is not reading its stdin (over ${MAX_STDIN_BUFFER >> 20} MiB unread): a ${item.type} from ${item.from} was lost`);
    }
    return true;
  }

  /** A lab client's lin-kv request, written to the node (held while it is paused). */
  sendFromClient(message: Envelope): boolean {
    if (!this.process) return false;
    if (this.frozen) this.waiting.push(message);
    else this.process.send(message);
    return true;
  }

  /** Requests of our own runtime (propose, conf-change, snapshots…) are not Maelstrom's: refused. */
  request(request: ClientRequest): boolean {
    if (!this.process) return false;
    const report: ReadyReport = {
      ...emptyReady(),
      outcomes: [{ requestId: request.requestId, outcome: { ok: false, code: 'bad-request', error: `${this.id} is a foreign node: "${request.kind}" is not part of Maelstrom's protocol` } }],
    };
    setImmediate(() => this.events.onReport(this.id, report));
    return true;
  }

  /** Its timers are its own (real time): the lab's clock does not reach them. */
  clock(): void {}

  pause(): void {
    this.frozen = true;
    this.process?.freeze(true);
  }

  resume(): void {
    this.frozen = false;
    this.process?.freeze(false);
    for (const message of this.waiting.splice(0)) this.process?.send(message);
  }

  kill(): Promise<void> {
    const process = this.process;
    if (!process) return Promise.resolve();
    this.stopping = true;
    return process.kill();
  }

  powerCut(): Promise<PowerCutOutcome> {
    return Promise.reject(new CommandError('conflict', `${this.id} is a foreign node: its files are its own, so the lab cannot cut its power (kill it instead)`));
  }

  powerCutAtNextSync(): void {
    throw new CommandError('conflict', `${this.id} is a foreign node: the lab does not see its syncs (kill it instead)`);
  }

  // Foreign nodes take no direct lanes: every message crosses the bus.
  attach(): void {}
  detach(): void {}
  open(): void {}

  private fromNode(message: Envelope): void {
    const { src, dest, body } = message;
    if (dest === LAB_ADDRESS) return this.stateReport(body);
    if (dest === INIT_CLIENT && body.type === 'init_ok') return this.initOk(body);
    if (CLIENT_ADDRESS.test(dest)) return this.events.onClientMessage(this.id, message);
    if (!this.voters.includes(dest)) return this.note(`sent a ${body.type} to ${dest}, which is not a node of this cluster (${this.voters.join(', ')}): dropped`);
    // A node speaks for itself, or relays a client's request with the client's src.
    if (src !== this.id && !CLIENT_ADDRESS.test(src)) return this.note(`sent a ${body.type} as ${src} (it is ${this.id}): dropped`);
    if (!this.flood.admit()) return;
    const term = typeof body['term'] === 'number' && Number.isSafeInteger(body['term']) && body['term'] >= 0 ? body['term'] : 0;
    if (this.outbox.push({ type: body.type, from: this.id, to: dest, term, envelope: message }) === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const messages = this.outbox;
    this.outbox = [];
    const dropped = this.flood.takeDropped();
    if (dropped > 0) this.note(`is flooding: ${dropped} messages over ${FLOOD_RATE}/s were dropped`);
    if (messages.length > 0 && this.process) this.events.onReport(this.id, { ...emptyReady(), messages });
  }

  private initOk(body: Envelope['body']): void {
    if (!initOkSchema.safeParse(body).success || this.initialised) return this.note(`answered init with a malformed or second init_ok`);
    this.initialised = true;
    // A node that never reports its state is a follower of term 0 to the page: alive, nothing more.
    if (this.reported) return this.events.onReport(this.id, { ...emptyReady(), status: this.reported });
    const { status } = this.reportedLog.fold(this.id, { type: 'state', role: 'follower', term: 0, voted_for: null, commit_index: 0 }, this.voters);
    this.events.onReport(this.id, { ...emptyReady(), status: { ...status, leader: null } });
  }

  private stateReport(body: Envelope['body']): void {
    const parsed = stateReportSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.note(`sent raftlab a malformed state report (${issue?.path.join('.') || 'report'}: ${issue?.message ?? '?'}): ${JSON.stringify(body).slice(0, 200)}`);
    }
    let state;
    try {
      state = this.reportedLog.fold(this.id, parsed.data, this.voters);
    } catch (error) {
      return this.note(`sent raftlab a state report that does not fit its last one: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.reported = state.status;
    // Before init_ok the node is still starting: its status waits for it (and then comes alive).
    if (!this.initialised) return this.events.onReport(this.id, { ...emptyReady(), appended: state.appended, observations: state.observations, ...(state.truncatedFrom !== undefined ? { truncatedFrom: state.truncatedFrom } : {}) });
    this.events.onReport(this.id, {
      ...emptyReady(),
      status: state.status,
      appended: state.appended,
      observations: state.observations,
      ...(state.truncatedFrom !== undefined ? { truncatedFrom: state.truncatedFrom } : {}),
    });
  }

  private note(text: string): void {
    const tail = this.process?.stderrTail(4);
    this.events.onNote(this.id, `${this.id} ${text}${tail ? `\nstderr: ${tail}` : ''}`.slice(0, 4000));
  }
}

function emptyReady(): ReadyReport {
  return { type: 'ready', appended: [], applied: [], messages: [], outcomes: [], persisted: null, snapshots: [], observations: [] };
}
