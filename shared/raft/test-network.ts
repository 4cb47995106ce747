// A tiny synchronous cluster for tests (and any host that wants one): RawNodes, an in-memory "disk"
// per node, and a message queue delivered in order. Pure: no clock, no I/O.

import type { Message } from './messages.ts';
import type { RaftConfig, RestoredState } from './options.ts';
import { mulberry32, seedFor } from './prng.ts';
import { RawNode } from './raw-node.ts';
import type { RaftReady } from './raw-node.ts';
import type { Entry, HardState, MembershipConfig, NodeId, Snapshot } from './types.ts';

export interface Disk {
  hardState: HardState;
  entries: Entry[];
  snapshot?: Snapshot;
}

export type NodeOptions = Partial<Omit<RaftConfig, 'id'>>;

export class TestNetwork {
  readonly nodes = new Map<NodeId, RawNode>();
  readonly disks = new Map<NodeId, Disk>();
  /** What each node's state machine applied, in order (a snapshot from the leader resets it). */
  readonly applied = new Map<NodeId, Entry[]>();
  readonly options = new Map<NodeId, NodeOptions>();
  /** Messages delivered so far, for assertions. */
  readonly delivered: Message[] = [];
  queue: Message[] = [];
  private readonly cut = new Set<string>();
  /** Extra filter: return false to drop a message. */
  filter: (m: Message) => boolean = () => true;

  constructor(ids: readonly NodeId[], defaults: NodeOptions = {}, private readonly seed = 1) {
    const initialConfig: MembershipConfig = { voters: [...ids], learners: [], votersOutgoing: [] };
    for (const id of ids) this.add(id, { initialConfig, ...defaults });
  }

  /** Starts a node: from `restored` if given, else from its disk, else fresh. */
  add(id: NodeId, options: NodeOptions = {}, restored?: RestoredState): RawNode {
    this.options.set(id, options);
    const disk = this.disks.get(id);
    const fromDisk: RestoredState | undefined =
      disk === undefined ? undefined : { hardState: disk.hardState, entries: [...disk.entries], ...(disk.snapshot ? { snapshot: disk.snapshot } : {}) };
    const config: RaftConfig = {
      id, electionTicks: 10, heartbeatTicks: 1, random: mulberry32(seedFor(this.seed, id)), ...options,
    };
    const node = new RawNode(config, restored ?? fromDisk);
    this.nodes.set(id, node);
    if (!this.disks.has(id) || restored !== undefined) {
      this.disks.set(id, { hardState: restored?.hardState ?? { term: 0, vote: null, commit: 0 }, entries: [...(restored?.entries ?? [])], ...(restored?.snapshot ? { snapshot: restored.snapshot } : {}) });
    }
    if (!this.applied.has(id)) this.applied.set(id, []);
    return node;
  }

  node(id: NodeId): RawNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** Kill: whatever was not persisted is gone (the queue keeps messages already sent). */
  crash(id: NodeId): void {
    this.nodes.delete(id);
  }

  restart(id: NodeId, options?: NodeOptions): RawNode {
    this.applied.set(id, []); // the state machine is rebuilt from the snapshot and log
    return this.add(id, options ?? this.options.get(id) ?? {});
  }

  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}>${b}`).add(`${b}>${a}`);
  }

  isolate(id: NodeId): void {
    for (const other of this.disks.keys()) if (other !== id) this.cutLink(id, other);
  }

  heal(): void {
    this.cut.clear();
    this.filter = () => true;
  }

  /** Runs the host loop once on every node: persist, send (into the queue), apply, advance. */
  drainReady(): boolean {
    let worked = false;
    for (const [id, node] of this.nodes) {
      while (node.hasReady()) {
        worked = true;
        this.handleReady(id, node.ready(), node);
      }
    }
    return worked;
  }

  private handleReady(id: NodeId, rd: RaftReady, node: RawNode): void {
    const disk = this.disks.get(id);
    if (disk === undefined) throw new Error(`no disk for ${id}`);
    if (rd.snapshot) {
      disk.snapshot = rd.snapshot;
      const snapIndex = rd.snapshot.metadata.index;
      disk.entries = rd.snapshotSource === 'leader' ? [] : disk.entries.filter((e) => e.index >= (rd.compactedBefore ?? snapIndex + 1));
      if (rd.snapshotSource === 'leader') this.applied.set(id, [{ index: snapIndex, term: rd.snapshot.metadata.term, type: 'noop', data: `snapshot:${rd.snapshot.data}` }]);
    }
    const first = rd.entries[0];
    if (first !== undefined) disk.entries = [...disk.entries.filter((e) => e.index < first.index), ...rd.entries];
    if (rd.hardState) disk.hardState = rd.hardState;
    this.queue.push(...rd.messages);
    this.applied.get(id)?.push(...rd.committedEntries);
    node.advance(rd);
  }

  /** Delivers one queued message (if its link is up and the recipient runs). */
  deliverOne(): boolean {
    const m = this.queue.shift();
    if (m === undefined) return false;
    if (this.cut.has(`${m.from}>${m.to}`) || !this.filter(m)) return true;
    const to = this.nodes.get(m.to);
    if (to === undefined) return true;
    this.delivered.push(m);
    to.step(m);
    return true;
  }

  /** Delivers until nothing is left to do. */
  stabilize(maxRounds = 10_000): void {
    for (let i = 0; i < maxRounds; i++) {
      this.drainReady();
      if (this.queue.length === 0) return;
      while (this.deliverOne()) {
        // deliver everything queued so far, then collect the responses
      }
    }
    throw new Error('network did not stabilize');
  }

  tick(ids: readonly NodeId[] = [...this.nodes.keys()], times = 1): void {
    for (let t = 0; t < times; t++) {
      for (const id of ids) this.nodes.get(id)?.tick();
      this.stabilize();
    }
  }

  /** Forces `id` to campaign and settles the network. */
  elect(id: NodeId): void {
    this.node(id).campaign();
    this.stabilize();
  }

  leaders(): NodeId[] {
    return [...this.nodes.entries()].filter(([, n]) => n.status().role === 'leader').map(([id]) => id);
  }

  /** Data of the normal entries a node applied, in order. */
  appliedData(id: NodeId): string[] {
    return (this.applied.get(id) ?? []).filter((e) => e.type === 'normal').map((e) => e.data);
  }
}

/** A log as drawn in the paper's figures: one term per index. Index 1 (always term 1 in the figures)
 *  carries the bootstrap configuration so the restored node knows its voters. */
export function figureLog(voters: readonly NodeId[], terms: readonly number[]): Entry[] {
  const config = JSON.stringify({ changes: voters.map((node) => ({ op: 'add-voter', node })) });
  return terms.map((term, i) =>
    i === 0 ? { index: 1, term, type: 'config' as const, data: config } : { index: i + 1, term, type: 'normal' as const, data: `e${i + 1}t${term}` },
  );
}

/** index/term pairs of a node's persisted log, for comparing logs. */
export function logShape(net: TestNetwork, id: NodeId): string {
  return (net.disks.get(id)?.entries ?? []).map((e) => `${e.index}/${e.term}`).join(' ');
}
