// Our own Raft core as a Maelstrom node: the lab's node runtime (shared/node: shared/raft's core
// and shared/kv's store) on the real write-ahead log in $RAFTLAB_DATA_DIR, speaking Maelstrom's
// protocol on stdin/stdout like any student's node. Register it with
//   npm start -- --implementation core=examples/raftlab-core-node.ts
// Our core's messages travel as Maelstrom bodies ({type: "Append", term, …}); lin-kv's read, write
// and cas are served linearizably (ReadIndex), a follower relays a client's request to the leader
// it knows with the client's src (the leader answers the client itself), and the node reports its
// state to "raftlab" so the lab shows roles and logs and checks the invariants.
import { createInterface } from 'node:readline';
import { NodeRuntime } from '../shared/node/node-runtime.ts';
import type { ClientOutcome, NodeReport, NodeRequest } from '../shared/node/protocol.ts';
import type { ValueAnswer } from '../shared/node/answers.ts';
import { WalDisk, timeSlicedEncoder } from '../server/cluster/storage/wal-disk.ts';
import { encodeCommand } from '../shared/kv/commands.ts';
import { noBugs, type BugName, type Message, type Switches } from '../shared/raft/index.ts';

/** Production timing: a tick every 10 ms, elections after 150–300 ms, heartbeats every 50 ms.
 *  Its timers run in real time whatever the lab's clock: on a teaching cluster (messages slowed
 *  to ~250 ms) give `--tick-ms 100`, so an election timeout outlasts a round trip. */
const { TICK_MS, BUGS } = flags(process.argv.slice(2));

/** The command line's flags, or a one-line complaint on stderr and exit 2. */
function flags(args: readonly string[]): { TICK_MS: number; BUGS: Switches['bugs'] } {
  try {
    return { TICK_MS: tickMsFrom(args), BUGS: bugsFrom(args) };
  } catch (error) {
    console.error(`raftlab-core-node: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
const ELECTION_TICKS = 15;
const HEARTBEAT_TICKS = 5;
/** How often a cas whose version moved under it is tried again before it gives up (definitely). */
const CAS_ATTEMPTS = 5;
/** A request relayed this often is answered "unavailable" rather than passed on (stale leader hints). */
const MAX_RELAYS = 3;

/** `--bug NAME` (repeatable): one of our core's bug switches, on (examples/wrong-raft uses one). */
function bugsFrom(args: readonly string[]): Switches['bugs'] {
  const bugs = noBugs();
  args.forEach((arg, at) => {
    if (arg !== '--bug') return;
    const name = args[at + 1] ?? '';
    if (!Object.hasOwn(bugs, name)) throw new Error(`--bug takes one of ${Object.keys(bugs).join(', ')}, got ${name}`);
    bugs[name as BugName] = true;
  });
  return bugs;
}

function tickMsFrom(args: readonly string[]): number {
  const at = args.indexOf('--tick-ms');
  const ms = at === -1 ? 10 : Number(args[at + 1]);
  if (!Number.isInteger(ms) || ms < 1 || ms > 10_000) throw new Error(`--tick-ms takes whole milliseconds 1–10000, got ${args[at + 1]}`);
  return ms;
}

interface Envelope {
  readonly src: string;
  readonly dest: string;
  readonly body: { readonly type: string; readonly msg_id?: number; readonly in_reply_to?: number; readonly [field: string]: unknown };
}

const dataDir = process.env['RAFTLAB_DATA_DIR'] ?? process.cwd();
let id = '';
let runtime: NodeRuntime | null = null;
let nextMsgId = 1;
let nextRequestId = 1;
const waiting = new Map<number, (outcome: ClientOutcome) => void>();
let lastState = '';

function print(message: Envelope): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function reply(request: Envelope, body: Record<string, unknown> & { type: string }): void {
  print({ src: id, dest: request.src, body: { ...body, msg_id: nextMsgId++, in_reply_to: request.body.msg_id } });
}

function fail(request: Envelope, code: number, text: string): void {
  reply(request, { type: 'error', code, text });
}

/** Asks the runtime; the answer comes in a later report. */
function ask(request: NodeRequest): Promise<ClientOutcome> {
  const requestId = nextRequestId++;
  return new Promise((resolve) => {
    waiting.set(requestId, resolve);
    runtime!.client({ ...request, requestId } as Parameters<NodeRuntime['client']>[0]);
    scheduleFlush();
  });
}

function onReport(report: NodeReport): void {
  if (report.type === 'fatal') {
    console.error(`${id}: ${report.error}`);
    process.exit(1);
  }
  if (report.type === 'recovered') {
    // What the disk held: the whole log, if the report carries it (a long log is only its tail).
    // (the lab keeps what this node reported before it went down, so a tail continues it).
    const whole = report.snapshotIndex === 0 && (report.log.at(-1)?.index ?? 0) === report.log.length;
    const tail = report.log[0] ? { appended: { from: report.log[0].index, terms: report.log.map((entry) => entry.term) } } : {};
    reportState(report.status, whole ? { log_terms: report.log.map((entry) => entry.term) } : tail);
    return;
  }
  for (const message of report.messages) {
    const { from: _from, to, ...body } = message;
    print({ src: id, dest: to, body: body as Envelope['body'] });
  }
  for (const { requestId, outcome } of report.outcomes) {
    waiting.get(requestId)?.(outcome);
    waiting.delete(requestId);
  }
  const from = report.appended[0]?.index ?? report.truncatedFrom;
  if (report.status || from !== undefined) {
    const status = report.status ?? runtimeStatus();
    reportState(status, from !== undefined ? { appended: { from, terms: report.appended.filter((entry) => entry.index >= from).map((entry) => entry.term) } } : {});
  }
}

let statusNow: Parameters<typeof reportState>[0] | null = null;
function runtimeStatus(): Parameters<typeof reportState>[0] {
  return statusNow!;
}

function reportState(status: { role: string; term: number; vote: string | null; commit: number; leader: string | null }, log: Record<string, unknown>): void {
  statusNow = status;
  const state = { type: 'state', role: status.role, term: status.term, voted_for: status.vote, commit_index: status.commit, leader: status.leader, ...log };
  const text = JSON.stringify(state);
  if (text === lastState) return;
  lastState = text;
  print({ src: id, dest: 'raftlab', body: state });
}

let flushScheduled = false;
function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    runtime?.flush();
  });
}

function scheduleBackground(): void {
  setImmediate(() => {
    if (runtime?.backgroundWork()) scheduleBackground();
  });
}

function init(message: Envelope): void {
  id = String(message.body['node_id']);
  const voters = (message.body['node_ids'] as string[]).slice().sort();
  reply(message, { type: 'init_ok' });
  runtime = new NodeRuntime(
    {
      id,
      timing: { electionTicks: ELECTION_TICKS, heartbeatTicks: HEARTBEAT_TICKS },
      // Every node starts with the same configuration, so each writes the same first entry.
      initialConfig: { voters, learners: [], votersOutgoing: [] },
      seed: process.pid,
      switches: { preVote: true, checkQuorum: true, forwardProposals: false, bugs: BUGS },
      snapshotThreshold: 10_000,
      snapshotTrailing: 5_000,
    },
    {
      disk: new WalDisk(dataDir),
      encoder: timeSlicedEncoder,
      report: onReport,
      now: () => performance.now(),
      hooks: { background: scheduleBackground, wake: scheduleFlush, fatal: (error) => onReport({ type: 'fatal', error: String(error) }) },
    },
  );
  setInterval(() => {
    runtime!.tick(1);
    scheduleFlush();
  }, TICK_MS);
}

/** A request this node cannot serve goes to the leader it knows, with the client's src kept. */
function relayOrFail(request: Envelope, outcome: Extract<ClientOutcome, { ok: false }>): void {
  const hops = Number(request.body['relayed'] ?? 0);
  if (outcome.code === 'not-leader' && outcome.leader && outcome.leader !== id && hops < MAX_RELAYS) {
    print({ src: request.src, dest: outcome.leader, body: { ...request.body, relayed: hops + 1 } });
    return;
  }
  fail(request, 11, outcome.error);
}

/** A read of a key's value is answered with a ValueAnswer (shared/node/answers.ts). */
type ReadOutcome = { readonly ok: true; readonly value: ValueAnswer } | Extract<ClientOutcome, { ok: false }>;

async function read(key: string): Promise<ReadOutcome> {
  return (await ask({ kind: 'read', key, consistency: 'linearizable' })) as ReadOutcome;
}

function valueOf(outcome: Extract<ReadOutcome, { ok: true }>): unknown {
  const data = outcome.value.data as { v?: unknown } | undefined;
  return outcome.value.value === null || data === undefined ? undefined : data.v;
}

async function clientRequest(request: Envelope): Promise<void> {
  const key = String(request.body['key']);
  switch (request.body.type) {
    case 'read': {
      const outcome = await read(key);
      if (!outcome.ok) return relayOrFail(request, outcome);
      const value = valueOf(outcome);
      return value === undefined ? fail(request, 20, `key ${key} does not exist`) : reply(request, { type: 'read_ok', value });
    }
    case 'write': {
      const outcome = await ask({ kind: 'propose', command: encodeCommand({ op: 'put', key, data: { v: request.body['value'] }, time: Date.now() }) });
      if (!outcome.ok) return outcome.code === 'lost' ? fail(request, 0, outcome.error) : relayOrFail(request, outcome);
      return reply(request, { type: 'write_ok' });
    }
    case 'cas': {
      // Read the value at a linearizable point, then write only if the version read is still the
      // current one: the check and the write are one step of the store.
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        const current = await read(key);
        if (!current.ok) return relayOrFail(request, current);
        const value = valueOf(current);
        if (value === undefined) return fail(request, 20, `key ${key} does not exist`);
        if (JSON.stringify(value) !== JSON.stringify(request.body['from'])) return fail(request, 22, `expected ${JSON.stringify(request.body['from'])}, had ${JSON.stringify(value)}`);
        const version = current.value.version;
        const outcome = await ask({ kind: 'propose', command: encodeCommand({ op: 'put', key, data: { v: request.body['to'] }, cas: version, time: Date.now() }) });
        if (outcome.ok) return reply(request, { type: 'cas_ok' });
        if (outcome.code === 'lost') return fail(request, 0, outcome.error);
        if (outcome.code !== 'conflict') return relayOrFail(request, outcome);
      }
      return fail(request, 11, `the value of ${key} kept changing under the cas`);
    }
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line) as Envelope;
  const type = message.body.type;
  if (type === 'init') return init(message);
  if (!runtime) return;
  if (type === 'read' || type === 'write' || type === 'cas') return void clientRequest(message);
  // Anything else is our core's own message, with its fields in the body.
  const { msg_id: _msgId, ...fields } = message.body;
  runtime.deliver({ ...fields, from: message.src, to: message.dest } as unknown as Message);
  scheduleFlush();
});
