// Client load: a few clients with sessions, one request outstanding each, writing and reading a
// few keys through whichever node they believe leads. Every request becomes one operation in the
// history the linearizability checker reads (retries of the same request stay one operation).
import type { KvOpInput, KvOpOutput, Op } from '../check/index.ts';
import { encodeCommand, type KvApplyResult, type KvCommand } from '../kv/index.ts';
import { randomInt, type Prng } from '../net/index.ts';
import type { SimNode } from './host.ts';

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
  /** Entry text of a write (unique: it carries client and seq), so applies can be matched to it. */
  readonly command: string | null;
  node: string | null;
  context: string | null;
  attempts: number;
  retryAt: number;
  readonly deadline: number;
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

export interface Cluster {
  readonly nodes: readonly SimNode[];
  nowMs(): number;
}

export class ClientLoad {
  readonly history: Array<Omit<Op, 'output'> & { output?: KvOpOutput }> = [];
  private readonly clients: Client[];
  private readonly byCommand = new Map<string, Client>();
  private readonly byContext = new Map<string, Client>();

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

  applied(node: SimNode, entryData: string, result: KvApplyResult | undefined): void {
    const client = this.byCommand.get(entryData);
    const pending = client?.pending;
    if (client === undefined || pending === null || pending === undefined || pending.node !== node.id || result === undefined) return;
    if (!result.ok && (result.code === 'stale-session' || result.code === 'invalid-command' || result.code === 'store-full' || result.code === 'version-limit')) return;
    let output: KvOpOutput;
    if (pending.input.op === 'delete') output = { op: 'delete', version: result.ok ? result.version : 0 };
    else if (result.ok) output = { op: 'put', ok: true, version: result.version };
    else output = { op: 'put', ok: false, ...(result.code === 'cas-mismatch' ? { current: result.current } : {}) };
    if (result.ok) client.versions.set(pending.key, result.version);
    this.finish(client, output);
  }

  readReady(node: SimNode, context: string): void {
    const client = this.byContext.get(context);
    const pending = client?.pending;
    if (client === undefined || pending === null || pending === undefined || pending.context !== context || pending.node !== node.id) return;
    const entry = node.kv.get(pending.key);
    const output: KvOpOutput =
      entry === undefined
        ? { op: 'get', version: 0, deleted: false, value: null }
        : { op: 'get', version: entry.version, deleted: entry.deleted, value: entry.data === null ? null : JSON.stringify(entry.data) };
    client.versions.set(pending.key, entry?.version ?? 0);
    this.finish(client, output);
  }

  readFailed(node: SimNode, context: string): void {
    const client = this.byContext.get(context);
    if (client?.pending?.context !== context) return;
    client.pending.node = null;
    client.pending.retryAt = 0; // next tick, at another node
    client.target = null;
  }

  /** A node went down: requests waiting on it are re-sent elsewhere on the next tick. */
  crashed(node: SimNode): void {
    for (const client of this.clients) {
      if (client.pending?.node === node.id) {
        client.pending.node = null;
        client.pending.retryAt = 0;
      }
      if (client.target === node.id) client.target = null;
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
      this.byCommand.set(command, client);
    }
    this.history.push({ id: this.history.length, client: client.id, key, call: this.cluster.nowMs(), return: null, input });
    client.pending = { opIndex: this.history.length - 1, key, input, command, node: null, context: null, attempts: 0, retryAt: tick, deadline: tick + REQUEST_TIMEOUT };
    this.issue(client, client.pending, tick);
  }

  private issue(client: Client, pending: Pending, tick: number): void {
    const node = this.pickNode(client);
    pending.attempts++;
    if (node === undefined || node.raw === null) {
      pending.retryAt = tick + 2;
      return;
    }
    if (pending.command !== null) {
      const outcome = node.raw.propose(pending.command);
      if (outcome.ok) {
        pending.node = node.id;
        pending.retryAt = tick + RETRY_AFTER;
      } else {
        client.target = outcome.leaderHint;
        pending.node = null;
        pending.retryAt = tick + 2;
      }
    } else {
      if (pending.context !== null) this.byContext.delete(pending.context);
      pending.context = `${client.id}#${client.seq}#${pending.attempts}`;
      this.byContext.set(pending.context, client);
      pending.node = node.id;
      pending.retryAt = tick + RETRY_AFTER;
      const status = this.reads === 'local' || this.rng() < LEASE_SHARE ? node.raw.status() : null;
      if (this.reads === 'local') {
        // Stale reads: the local state machine as it is (deliberately not linearizable).
        node.readAt(pending.context, 0);
      } else if (status?.leaseReadSafe === true) {
        // Lease read: the leader holds a lease and has committed in its term, so its commit index
        // is current; serve once applied reaches it, with no heartbeat round.
        node.readAt(pending.context, status.commit);
      } else {
        node.raw.readIndex(pending.context);
      }
    }
  }

  private pickNode(client: Client): SimNode | undefined {
    const nodes = this.cluster.nodes;
    const target = nodes.find((n) => n.id === client.target && n.up);
    if (target !== undefined) return target;
    const up = nodes.filter((n) => n.up);
    if (up.length === 0) return undefined;
    const chosen = up[randomInt(this.rng, 0, up.length - 1)]!;
    client.target = chosen.id;
    return chosen;
  }

  private finish(client: Client, output: KvOpOutput | undefined): void {
    const pending = client.pending;
    if (pending === null) return;
    const op = this.history[pending.opIndex]!;
    this.history[pending.opIndex] = output === undefined ? op : { ...op, return: this.cluster.nowMs(), output };
    if (pending.command !== null) this.byCommand.delete(pending.command);
    if (pending.context !== null) this.byContext.delete(pending.context);
    client.pending = null;
  }
}
