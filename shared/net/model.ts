// The network model shared by the simulator and the real server's bus. It decides, for one
// message, whether and when it arrives; it holds no messages and reads no clock (callers pass
// `now`), and all randomness comes from the injected PRNG, so a run replays from its seed.
import { isolateGroups, majorityMinorityGroups } from './presets.ts';
import type { Prng } from './prng.ts';
import {
  DEFAULT_LINK,
  NetworkSettingsError,
  validateLinkPatch,
  validateLinkSettings,
  validateNodeId,
  type LinkSettings,
  type NodeId,
} from './settings.ts';

export type DropReason = 'cut' | 'partition' | 'loss';

export interface Route {
  /** Virtual delivery times: empty = dropped, two = duplicated. */
  readonly deliveries: number[];
  readonly dropReason?: DropReason;
}

export type Direction = 'one-way' | 'both';

/** The serialisable form of every setting (what toJSON returns and fromJSON accepts). */
export interface NetworkSettingsJson {
  readonly version: 1;
  readonly defaults: LinkSettings;
  /** Per-link overrides of the defaults, for directed links from → to. */
  readonly links: ReadonlyArray<{ readonly from: NodeId; readonly to: NodeId; readonly settings: Partial<LinkSettings> }>;
  /** Directed links that carry nothing. */
  readonly cuts: ReadonlyArray<{ readonly from: NodeId; readonly to: NodeId }>;
  /** Groups that cannot reach each other; nodes named in no group form one more group. */
  readonly partition: ReadonlyArray<readonly NodeId[]> | null;
}

export class NetworkModel {
  private defaults: LinkSettings = DEFAULT_LINK;
  private readonly overrides = new Map<string, { from: NodeId; to: NodeId; settings: Partial<LinkSettings> }>();
  private readonly cuts = new Map<string, { from: NodeId; to: NodeId }>();
  private groups: NodeId[][] | null = null;
  private groupOf = new Map<NodeId, number>();

  constructor(private readonly rng: Prng) {}

  /**
   * Decides the fate of one message sent now. Cuts and partitions use no randomness; otherwise
   * exactly six draws are made whatever the settings, so changing one probability does not
   * shift every later random decision of a seeded run.
   */
  route(from: NodeId, to: NodeId, now: number): Route {
    const blocked = this.blocked(from, to);
    if (blocked !== undefined) return { deliveries: [], dropReason: blocked };
    const link = this.linkSettings(from, to);
    const lossDraw = this.rng();
    const jitterDraw = this.rng();
    const reorderDraw = this.rng();
    const reorderDelayDraw = this.rng();
    const duplicateDraw = this.rng();
    const duplicateJitterDraw = this.rng();
    if (lossDraw < link.loss) return { deliveries: [], dropReason: 'loss' };
    const held = reorderDraw < link.reorder ? reorderDelayDraw * link.reorderDelay : 0;
    const first = now + link.latency + jitterDraw * link.jitter + held;
    if (duplicateDraw < link.duplicate) {
      // The copy travels on its own (as a retransmission would), so it may arrive before or after.
      return { deliveries: [first, now + link.latency + duplicateJitterDraw * (link.jitter + link.reorderDelay)] };
    }
    return { deliveries: [first] };
  }

  /**
   * Whether from → to delivers every message at once, exactly once and in order: no cut or
   * partition, no latency, jitter, loss, duplication or reordering. Such a link needs no routing
   * decision per message (the real server lets its nodes use a direct lane for it).
   */
  isInstant(from: NodeId, to: NodeId): boolean {
    if (this.blocked(from, to) !== undefined) return false;
    const link = this.linkSettings(from, to);
    return link.latency === 0 && link.jitter === 0 && link.loss === 0 && link.duplicate === 0 && link.reorder === 0;
  }

  /** Why from → to carries nothing right now, if it does not. */
  blocked(from: NodeId, to: NodeId): 'cut' | 'partition' | undefined {
    if (this.cuts.size > 0 && this.cuts.has(linkKey(from, to))) return 'cut';
    if (this.groups !== null && from !== to && (this.groupOf.get(from) ?? -1) !== (this.groupOf.get(to) ?? -1)) {
      return 'partition';
    }
    return undefined;
  }

  /** The effective settings of from → to (defaults with that link's overrides). */
  linkSettings(from: NodeId, to: NodeId): LinkSettings {
    if (this.overrides.size === 0) return this.defaults; // the common case, on every message
    const override = this.overrides.get(linkKey(from, to));
    return override === undefined ? this.defaults : { ...this.defaults, ...override.settings };
  }

  get defaultSettings(): LinkSettings {
    return this.defaults;
  }

  setDefaults(patch: Partial<LinkSettings>): void {
    this.defaults = { ...this.defaults, ...validateLinkPatch(patch, 'default link settings') };
  }

  /** Overrides some settings of one link (or both directions); other settings follow the defaults. */
  setLink(from: NodeId, to: NodeId, patch: Partial<LinkSettings>, direction: Direction = 'one-way'): void {
    const valid = validateLinkPatch(patch, `settings of ${from}→${to}`);
    for (const [a, b] of pairs(from, to, direction)) {
      const current = this.overrides.get(linkKey(a, b))?.settings ?? {};
      this.overrides.set(linkKey(a, b), { from: a, to: b, settings: { ...current, ...valid } });
    }
  }

  clearLink(from: NodeId, to: NodeId, direction: Direction = 'one-way'): void {
    for (const [a, b] of pairs(from, to, direction)) this.overrides.delete(linkKey(a, b));
  }

  cut(from: NodeId, to: NodeId, direction: Direction = 'both'): void {
    validateNodeId(from, 'from');
    validateNodeId(to, 'to');
    for (const [a, b] of pairs(from, to, direction)) this.cuts.set(linkKey(a, b), { from: a, to: b });
  }

  /** Reconnects a cut link (the opposite of cut). */
  uncut(from: NodeId, to: NodeId, direction: Direction = 'both'): void {
    for (const [a, b] of pairs(from, to, direction)) this.cuts.delete(linkKey(a, b));
  }

  /** Splits the cluster into groups that cannot reach each other (replaces any earlier partition). */
  partition(groups: ReadonlyArray<readonly NodeId[]>): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, index) => {
      for (const node of group) {
        validateNodeId(node, 'a partition member');
        if (groupOf.has(node)) throw new NetworkSettingsError(`${node} appears in two partition groups`);
        groupOf.set(node, index);
      }
    });
    this.groups = groups.map((g) => [...g]);
    this.groupOf = groupOf;
  }

  /** Puts `node` alone, away from every other node in `nodes`. */
  isolate(node: NodeId, nodes: readonly NodeId[]): void {
    this.partition(isolateGroups(node, nodes));
  }

  /** Splits `nodes` into a majority and a minority (see majorityMinorityGroups). */
  splitMajorityMinority(nodes: readonly NodeId[], minority?: readonly NodeId[]): { majority: NodeId[]; minority: NodeId[] } {
    const split = majorityMinorityGroups(nodes, minority);
    this.partition([split.majority, split.minority]);
    return split;
  }

  healPartition(): void {
    this.groups = null;
    this.groupOf = new Map();
  }

  /** Removes every partition and cut; latency, loss and the other link settings stay. */
  heal(): void {
    this.healPartition();
    this.cuts.clear();
  }

  /** Back to the defaults everywhere. */
  reset(): void {
    this.heal();
    this.overrides.clear();
    this.defaults = DEFAULT_LINK;
  }

  get currentPartition(): readonly (readonly NodeId[])[] | null {
    return this.groups;
  }

  toJSON(): NetworkSettingsJson {
    return {
      version: 1,
      defaults: this.defaults,
      links: [...this.overrides.values()].map((o) => ({ from: o.from, to: o.to, settings: { ...o.settings } })),
      cuts: [...this.cuts.values()].map((c) => ({ ...c })),
      partition: this.groups === null ? null : this.groups.map((g) => [...g]),
    };
  }

  /** Replaces every setting with validated ones; throws NetworkSettingsError and changes nothing on bad input. */
  loadJSON(value: unknown): void {
    const next = NetworkModel.fromJSON(value, this.rng);
    this.defaults = next.defaults;
    this.overrides.clear();
    for (const [key, o] of next.overrides) this.overrides.set(key, o);
    this.cuts.clear();
    for (const [key, c] of next.cuts) this.cuts.set(key, c);
    this.groups = next.groups;
    this.groupOf = next.groupOf;
  }

  static fromJSON(value: unknown, rng: Prng): NetworkModel {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new NetworkSettingsError('network settings must be an object');
    }
    const v = value as Record<string, unknown>;
    if (v['version'] !== 1) throw new NetworkSettingsError('network settings: "version" must be 1');
    const model = new NetworkModel(rng);
    model.defaults = validateLinkSettings(v['defaults'], 'default link settings');
    for (const link of list(v['links'], 'links')) {
      const { from, to } = endpoints(link, 'links');
      model.setLink(from, to, validateLinkPatch((link as Record<string, unknown>)['settings'], `settings of ${from}→${to}`));
    }
    for (const cut of list(v['cuts'], 'cuts')) {
      const { from, to } = endpoints(cut, 'cuts');
      model.cut(from, to, 'one-way');
    }
    if (v['partition'] !== null && v['partition'] !== undefined) {
      const groups = list(v['partition'], 'partition').map((g) => list(g, 'partition group').map((n) => validateNodeId(n, 'a partition member')));
      model.partition(groups);
    }
    return model;
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

function pairs(from: NodeId, to: NodeId, direction: Direction): Array<[NodeId, NodeId]> {
  return direction === 'both' && from !== to ? [[from, to], [to, from]] : [[from, to]];
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new NetworkSettingsError(`network settings: "${what}" must be an array`);
  if (value.length > 1000) throw new NetworkSettingsError(`network settings: "${what}" has too many items`);
  return value;
}

function endpoints(value: unknown, what: string): { from: NodeId; to: NodeId } {
  if (typeof value !== 'object' || value === null) throw new NetworkSettingsError(`network settings: each of "${what}" must be an object`);
  const v = value as Record<string, unknown>;
  return { from: validateNodeId(v['from'], `${what}.from`), to: validateNodeId(v['to'], `${what}.to`) };
}
