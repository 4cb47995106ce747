// Client load: a few clients with sessions, one request outstanding each, writing and reading a
// few keys through whichever node they believe leads. Every request becomes one operation in the
// history the linearizability checker reads (retries of the same request stay one operation).
import type { KvOpInput, KvOpOutput, Op } from '../check/index.ts';
import { encodeCommand, type KvCommand } from '../kv/index.ts';
import { randomInt, type Prng } from '../net/index.ts';
import type { ClientOutcome, NodeRequest } from '../node/protocol.ts';

/** Give up on a request (its outcome stays unknown) after this many ticks. */
const REQUEST_TIMEOUT = 150;
/** Share of reads that try a lease read first (they fall back to ReadIndex without a lease). */
const LEASE_SHARE = 0.3;
/** Re-send a request that got no answer after this many ticks. */
const RETRY_AFTER = 30;

interface Pending {
  readonly opIndex: number;
  readonly key: string;
  readonly input: KvOpInput;
  /** Entry text of a write (it carries client and seq, so a retry is applied once). */
  readonly command: string | null;
  node: string | null;
  attempts: number;
  retryAt: number;
  readonly deadline: number;
  /** The node this read went to held no lease: ask with ReadIndex from now on. */
  noLease: boolean;
}

interface Client {
  readonly id: string;
  seq: number;
  target: string | null;
  pending: Pending | null;
  /** Last version seen per key, to aim cas writes at something plausible. */
  readonly versions: Map<string, number>;
}

/** How clients read: 'linearizable' = ReadIndex or a leader lease; 'local' = any node's state
 *  machine as it is (stale reads, used to show that the linearizability checker catches them). */
export type ReadMode = 'linearizable' | 'local';

/** The cluster as a client sees it: nodes that are up, and requests to them. */
export interface Cluster {
  readonly ids: readonly string[];
  isUp(node: string): boolean;
  /** Sends a request; `answer` hears its outcome, perhaps before send returns. False if the node is down. */
  send(node: string, request: NodeRequest, answer: (outcome: ClientOutcome) => void): boolean;
  nowMs(): number;
}

export class ClientLoad {
  readonly history: Array<Omit<Op, 'output'> & { output?: KvOpOutput }> = [];
  private readonly clients: Client[];
  /** Reads answered from a leader's lease (no ReadIndex round): an interesting state reached. */
  leaseReads = 0;
  private tickNow = 0;

  constructor(
    private readonly rng: Prng,
    clientCount: number,
    private readonly keys: readonly string[],
    private readonly cluster: Cluster,
    private readonly reads: ReadMode = 'linearizable',
  ) {
    this.clients = Array.from({ length: clientCount }, (_, i) => ({ id: `c${i + 1}`, seq: 0, target: null, pending: null, versions: new Map() }));
  }

  /** The finished history (timed-out requests have return = null and no output). */
  get ops(): Op[] {
    return this.history as Op[];
  }

  get outstanding(): number {
    return this.clients.filter((c) => c.pending !== null).length;
  }

  tick(tick: number, rate: number): void {
    this.tickNow = tick;
    for (const client of this.clients) {
      const pending = client.pending;
      if (pending !== null) {
        if (tick >= pending.deadline) this.finish(client, undefined);
        else if (tick >= pending.retryAt) this.issue(client, pending, tick);
      } else if (this.rng() < rate) {
        this.start(client, tick);
      }
    }
  }

  /** Starts a specific write now (the liveness phase's probe); returns its history index. */
  startWrite(clientIndex: number, key: string, tick: number): number | null {
    const client = this.clients[clientIndex];
    if (client === undefined || client.pending !== null) return null;
    this.begin(client, key, { op: 'put', value: JSON.stringify({ probe: tick }) }, tick);
    return this.history.length - 1;
  }

  isDone(opIndex: number): boolean {
    const op = this.history[opIndex];
    return op !== undefined && op.output !== undefined;
  }

  /** A node's answer to one attempt: the operation's outcome, or a reason to try again. */
  private answered(client: Client, opIndex: number, outcome: ClientOutcome): void {
    const pending = client.pending;
    // An answer to an earlier attempt still settles the operation (a retry is the same write).
    if (pending === null || pending.opIndex !== opIndex) return;
    if (outcome.ok) return this.finish(client, this.output(client, pending, outcome.value));
    switch (outcome.code) {
      case 'conflict':
        if (pending.input.op === 'put' && outcome.current !== undefined) return this.finish(client, { op: 'put', ok: false, current: outcome.current });
        return;
      case 'not-leader':
        if (pending.input.op === 'get' && outcome.leader === null && pending.node !== null) {
          // The leader itself, without a lease: ask it again with ReadIndex.
          pending.noLease = true;
        } else {
          client.target = outcome.leader ?? null;
        }
        pending.node = null;
        pending.retryAt = this.tickNow + 2;
        return;
      case 'lost':
        pending.node = null;
        pending.retryAt = 0; // overwritten by another leader's entry: next tick, elsewhere
        client.target = null;
        return;
      default:
        // Refused by the store (a full store, a stale session): no answer to record; the retry or
        // the deadline decides.
        return;
    }
  }

  private output(client: Client, pending: Pending, value: Record<string, unknown>): KvOpOutput {
    const version = typeof value['version'] === 'number' ? value['version'] : 0;
    if (pending.input.op === 'get') {
      client.versions.set(pending.key, version);
      const data = value['data'];
      return { op: 'get', version, deleted: value['deleted'] === true, value: data === undefined || data === null ? null : JSON.stringify(data) };
    }
    client.versions.set(pending.key, version);
    if (pending.input.op === 'delete') return { op: 'delete', version };
    return { op: 'put', ok: true, version };
  }

  /** A node went down: requests waiting on it are re-sent elsewhere on the next tick. */
  crashed(node: string): void {
    for (const client of this.clients) {
      if (client.pending?.node === node) {
        client.pending.node = null;
        client.pending.retryAt = 0;
      }
      if (client.target === node) client.target = null;
    }
  }

  private start(client: Client, tick: number): void {
    const key = this.keys[randomInt(this.rng, 0, this.keys.length - 1)]!;
    const r = this.rng();
    const value = JSON.stringify({ by: client.id, n: client.seq + 1 });
    let input: KvOpInput;
    if (r < 0.4) input = { op: 'get' };
    else if (r < 0.75) input = { op: 'put', value };
    else if (r < 0.9) input = { op: 'put', value, cas: this.rng() < 0.3 ? 0 : client.versions.get(key) ?? 0 };
    else input = { op: 'delete' };
    this.begin(client, key, input, tick);
  }

  private begin(client: Client, key: string, input: KvOpInput, tick: number): void {
    client.seq++;
    let command: string | null = null;
    if (input.op !== 'get') {
      const base = { key, client: client.id, seq: client.seq, time: this.cluster.nowMs() };
      const kv: KvCommand =
        input.op === 'put'
          ? { op: 'put', data: JSON.parse(input.value) as Record<string, unknown>, ...(input.cas === undefined ? {} : { cas: input.cas }), ...base }
          : { op: 'delete', ...base };
      command = encodeCommand(kv);
    }
    this.history.push({ id: this.history.length, client: client.id, key, call: this.cluster.nowMs(), return: null, input });
    client.pending = { opIndex: this.history.length - 1, key, input, command, node: null, attempts: 0, retryAt: tick, deadline: tick + REQUEST_TIMEOUT, noLease: false };
    this.issue(client, client.pending, tick);
  }

  private issue(client: Client, pending: Pending, tick: number): void {
    const node = this.pickNode(client);
    pending.attempts++;
    const request: NodeRequest | null = node === null ? null : pending.command !== null ? { kind: 'propose', command: pending.command } : { kind: 'read', key: pending.key, consistency: this.consistency(pending) };
    if (node === null || request === null) {
      pending.retryAt = tick + 2;
      return;
    }
    // Where it went and when to try again are set first: the answer may come before send returns.
    pending.node = node;
    pending.retryAt = tick + RETRY_AFTER;
    const { opIndex } = pending;
    const lease = request.kind === 'read' && request.consistency === 'lease';
    const answer = (outcome: ClientOutcome): void => {
      if (lease && outcome.ok) this.leaseReads += 1;
      this.answered(client, opIndex, outcome);
    };
    if (!this.cluster.send(node, request, answer)) {
      pending.node = null;
      pending.retryAt = tick + 2;
    }
  }

  /** Stale reads show that the checker catches them; a lease read falls back to ReadIndex without a lease. */
  private consistency(pending: Pending): 'stale' | 'lease' | 'linearizable' {
    if (this.reads === 'local') return 'stale';
    return !pending.noLease && this.rng() < LEASE_SHARE ? 'lease' : 'linearizable';
  }

  private pickNode(client: Client): string | null {
    const cluster = this.cluster;
    if (client.target !== null && cluster.isUp(client.target)) return client.target;
    const up = cluster.ids.filter((id) => cluster.isUp(id));
    if (up.length === 0) return null;
    const chosen = up[randomInt(this.rng, 0, up.length - 1)]!;
    client.target = chosen;
    return chosen;
  }

  private finish(client: Client, output: KvOpOutput | undefined): void {
    const pending = client.pending;
    if (pending === null) return;
    const op = this.history[pending.opIndex]!;
    this.history[pending.opIndex] = output === undefined ? op : { ...op, return: this.cluster.nowMs(), output };
    client.pending = null;
  }
}
