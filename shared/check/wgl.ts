// Wing & Gong's linearizability search with Lowe's memoisation (as in Porcupine): walk the
// history's call/return events in time order, tentatively linearize a pending call, and backtrack
// when a return is reached before its call was linearized. (linearized set, state) pairs already
// explored are cached, which turns the exponential search into a fast one on real histories.
//
// Operations whose outcome is unknown (timed out) stay open forever, and Lowe's cache alone does
// not save the search from them: which of k open writes took effect is 2^k different sets. These
// reductions, each keeping the verdict exact, make such histories cheap:
//  - an open read is dropped (it changes nothing and was answered nothing), an open op is never
//    placed where it would change nothing (as good as not at all), and the search succeeds once
//    every completed operation is placed (the open ones left never took effect);
//  - a written value that no read ever reports is replaced by one placeholder: no later answer can
//    tell such values apart, so neither can the search;
//  - open operations with the same (placeholder-substituted) input are interchangeable, so they are
//    linearized only in call order: the cache then sees "the first j of them", not which j;
//  - versions only grow, so a step past the version some unplaced completed operation must see
//    (a read of v, a put that made v + 1, ...) is a dead end and is not taken;
//  - an open put that is the only one to write a value reads saw at version v must have made
//    version v: it is placed there or nowhere, and holds the version back until it is;
//  - a callable read that fits the current state is placed at once, without trying the orders
//    that place it later (none of them can do better), so concurrent reads cost no subsets.
// The search stops at a budget of explored states with 'undetermined', never with a guess.
import { hasNoEffect, stepRegister, type KvOpInput, type Op, type RegisterState } from './kv-model.ts';

export type SearchVerdict = 'linearizable' | 'violation' | 'undetermined';

export interface SearchResult {
  readonly verdict: SearchVerdict;
  /** Configurations (linearized set, state) the search stepped into, counting cache hits. */
  readonly statesExplored: number;
}

export interface SearchOptions {
  /** Give up ('undetermined') after this many states. Default DEFAULT_MAX_STATES; Infinity = never. */
  readonly maxStates?: number;
}

/** A fraction of a second of search (bench/sim.ts measures it): the page runs the check on its main thread. */
export const DEFAULT_MAX_STATES = 100_000;
/**
 * A search visits each operation at least once, so a flat budget says "undetermined" about any long
 * history however easy (a 30-minute soak's 221,290 operations ran out of 100,000). The default grows
 * with the history: 20 states an operation, a few times what an easy history takes.
 */
export const DEFAULT_STATES_PER_OP = 20;

/** The budget checkLinearizability uses when none is given. */
export function defaultMaxStates(operations: number): number {
  return Math.max(DEFAULT_MAX_STATES, DEFAULT_STATES_PER_OP * operations);
}

interface Node {
  readonly op: Op;
  /** The input with unobservable values replaced by the placeholder. */
  readonly input: KvOpInput;
  readonly isCall: boolean;
  readonly time: number;
  /** Completed ops: bit in the completed set; open ops: -1. */
  slot: number;
  /** Open ops: slot (for the hash), and unless pinned, interchangeable group and rank in it; else -1. */
  openSlot: number;
  group: number;
  rank: number;
  /** A completed op that never changes the state (a read, a refused put). */
  readonly passive: boolean;
  /** Index (from the initial version) of the state version this op must be applied at, or -1.
   *  Every completed op, and an open op only when it is pinned (it must be placed). */
  requiredVersion: number;
  match: Node | null; // call → its return (completed ops only)
  prev: Node | null;
  next: Node | null;
}

/** Whether `ops` (all on one key) are linearizable from `initial`. */
export function isLinearizable(ops: readonly Op[], initial: RegisterState, options: SearchOptions = {}): SearchResult {
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const relevant = ops.filter((op) => !(op.return === null && op.input.op === 'get'));
  const completedCount = relevant.filter((op) => op.return !== null).length;
  if (completedCount === 0) return { verdict: 'linearizable', statesExplored: 0 };

  const placeholder = placeholderFor(relevant);
  const pinned = pinnedOpenPuts(relevant, initial);
  const canonical = (value: string | null): string | null => (value === null || placeholder.observed.has(value) ? value : placeholder.value);
  const base = initial.version;
  // A read of a value no put writes (nor the start) fits no state at all.
  const written = new Set(relevant.flatMap((op) => (op.input.op === 'put' ? [op.input.value] : [])));
  if (initial.value !== null) written.add(initial.value);
  if (relevant.some((op) => op.output?.op === 'get' && op.output.value !== null && !written.has(op.output.value))) return { verdict: 'violation', statesExplored: 0 };
  const reachable = relevant.filter((op) => op.input.op === 'put').length; // each put adds at most one version
  const events: Node[] = [];
  for (const op of relevant) {
    const input: KvOpInput = op.input.op === 'put' ? { ...op.input, value: canonical(op.input.value)! } : op.input;
    const required = op.output === undefined ? pinned.get(op) ?? null : requiredVersionOf(op);
    // A version below the start or beyond every put cannot be reached: no order can work.
    if (required !== null && (required < base || required > base + reachable)) return { verdict: 'violation', statesExplored: 0 };
    const call: Node = { op, input, isCall: true, time: op.call, passive: op.return !== null && hasNoEffect(op), slot: -1, openSlot: -1, group: -1, rank: -1, requiredVersion: required === null ? -1 : required - base, match: null, prev: null, next: null };
    events.push(call);
    if (op.return !== null) {
      const ret: Node = { ...call, isCall: false, time: op.return };
      call.match = ret;
      events.push(ret);
    }
  }
  // Calls sort before returns at equal times: touching operations count as concurrent, the
  // generous reading (a checker must not blame a store for a tie in the clock).
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  // Slots and group ranks in call order: low completed slots fill first (so the set is stored
  // from its lowest gap on), and an open group's members go in the order they became callable.
  const groups = new Map<string, number>();
  const groupSizes: number[] = [];
  let completedSlots = 0;
  let openSlots = 0;
  for (const event of events) {
    if (!event.isCall) continue;
    if (event.match !== null) {
      event.slot = completedSlots++;
      continue;
    }
    event.openSlot = openSlots++;
    if (event.requiredVersion >= 0) continue; // pinned: placed or not is told by the state's version
    const groupKey = JSON.stringify(event.input);
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = groupSizes.length;
      groups.set(groupKey, group);
      groupSizes.push(0);
    }
    event.group = group;
    event.rank = groupSizes[group]!++;
  }
  for (const event of events) if (event.match !== null) event.match.slot = event.slot;

  const head: Node = { op: relevant[0]!, input: relevant[0]!.input, isCall: false, time: -Infinity, passive: false, slot: -1, openSlot: -1, group: -1, rank: -1, requiredVersion: -1, match: null, prev: null, next: null };
  let previous = head;
  for (const event of events) {
    previous.next = event;
    event.prev = previous;
    previous = event;
  }

  const set = new LinearizedSet(completedSlots, openSlots, groupSizes.length);
  // Unplaced completed ops by the version they need: a step never goes past the lowest.
  const needing = new Int32Array(reachable + 2);
  for (const event of events) if (event.isCall && event.requiredVersion >= 0) needing[event.requiredVersion]!++;
  let lowestNeeded = 0;
  while (lowestNeeded < needing.length && needing[lowestNeeded] === 0) lowestNeeded++;
  const place = (node: Node): void => {
    set.add(node);
    if (node.requiredVersion >= 0 && --needing[node.requiredVersion]! === 0 && node.requiredVersion === lowestNeeded) {
      while (lowestNeeded < needing.length && needing[lowestNeeded] === 0) lowestNeeded++;
    }
  };
  const unplace = (node: Node): void => {
    set.remove(node);
    if (node.requiredVersion >= 0 && needing[node.requiredVersion]!++ === 0 && node.requiredVersion < lowestNeeded) lowestNeeded = node.requiredVersion;
  };

  const cache = new ConfigurationCache();
  const stateIds = new Map<string, number>();
  const stack: Array<{ node: Node; state: RegisterState; forced: boolean }> = [];
  let state: RegisterState = { ...initial, value: canonical(initial.value) };
  let explored = 0;
  let exhausted = false;
  let entry: Node | null = head.next;

  /** Linearizes `node` next, into state `next`; false (and nothing changed) if that configuration is a dead end or was explored. */
  const advance = (node: Node, next: RegisterState, forced: boolean): boolean => {
    place(node);
    if (next.version - base <= lowestNeeded) {
      if (explored >= maxStates) exhausted = true;
      else if ((explored++, !cache.visit(set, stateIdOf(stateIds, next)))) {
        stack.push({ node, state, forced });
        state = next;
        lift(node);
        return true;
      }
    }
    unplace(node);
    return false;
  };
  /** Undoes steps back to the latest configuration with choices left; false if there is none. */
  const backtrack = (): boolean => {
    for (;;) {
      const top = stack.pop();
      if (top === undefined) return false;
      state = top.state;
      unplace(top.node);
      unlift(top.node);
      if (!top.forced) {
        entry = top.node.next;
        return true;
      }
      // Nothing worked after a forced step, so nothing works from where it was taken either.
    }
  };

  let fresh = true; // at a configuration just reached
  while (set.completedLeft > 0) {
    if (exhausted) return { verdict: 'undetermined', statesExplored: maxStates };
    if (fresh) {
      fresh = false;
      entry = head.next;
      // A callable read (or refused write) that fits the state now is taken now, and alone: any
      // order placing it later can place it here instead (it changes nothing, and whatever had
      // to precede it already does). This spares the search every subset of concurrent reads.
      const passive = fittingPassive(head, state);
      if (passive !== null) {
        if (advance(passive, state, true)) fresh = true;
        else if (!exhausted && !backtrack()) return { verdict: 'violation', statesExplored: explored };
        continue;
      }
    }
    // An unplaced completed op still has its return in the list, so the walk meets it first.
    if (entry === null) throw new Error('linearizability search ran off the end of the history');
    if (entry.isCall) {
      if (entry.group >= 0 && entry.rank !== set.nextInGroup(entry.group)) {
        entry = entry.next; // an interchangeable open op is linearized only after those called before it
        continue;
      }
      // A plain open put always adds a version: past the lowest one still needed it is a dead end
      // (checked here, before stepRegister, because many open puts can be waiting at once).
      const tooLate = entry.requiredVersion < 0 && entry.input.op === 'put' && entry.input.cas === undefined && entry.input.from === undefined && state.version - base >= lowestNeeded;
      let next = tooLate ? null : stepRegister(state, entry.input, entry.op.output);
      if (next !== null && entry.match === null) {
        // An open op that changes nothing here is as good as one that never happened (it may
        // then still happen later): placing it is never needed.
        if (sameState(next, state)) next = null;
        // A pinned open put must make its version, and only it.
        else if (entry.requiredVersion >= 0 && (state.version - base !== entry.requiredVersion || next.version !== state.version + 1)) next = null;
      }
      if (next !== null && advance(entry, next, false)) {
        fresh = true;
        continue;
      }
      entry = entry.next;
    } else if (!backtrack()) return { verdict: 'violation', statesExplored: explored };
  }
  return { verdict: 'linearizable', statesExplored: explored };
}

function sameState(a: RegisterState, b: RegisterState): boolean {
  return a.version === b.version && a.deleted === b.deleted && a.value === b.value;
}

/** The first callable completed op that changes nothing and fits `state`, if any. */
function fittingPassive(head: Node, state: RegisterState): Node | null {
  for (let node = head.next; node !== null && node.isCall; node = node.next) {
    if (node.passive && stepRegister(state, node.input, node.op.output) !== null) return node;
  }
  return null;
}

/**
 * Which ops are linearized: completed ops as a bitset stored from its first incomplete word to its
 * last non-empty one (the words before are full, the words after empty); open ops as how many of
 * each interchangeable group (they go in order). A pinned open put needs no record: it has been
 * placed exactly when the state's version has reached the one it made. The hash (Zobrist: XOR of a
 * random-looking value per op) covers every placed op.
 */
class LinearizedSet {
  private readonly words: Uint32Array;
  private readonly bitsInWord: Uint16Array;
  private readonly zobristCompleted: Uint32Array;
  private readonly zobristOpen: Uint32Array;
  private readonly groupNext: Uint32Array;
  private lowWord = 0; // first word that is not full
  private highWord = -1; // last word with a bit set
  private hash = 0;
  completedLeft: number;

  constructor(
    private readonly completed: number,
    openCount: number,
    groupCount: number,
  ) {
    this.words = new Uint32Array(Math.ceil(completed / 32));
    this.bitsInWord = new Uint16Array(this.words.length);
    this.zobristCompleted = zobrist(completed, 0x9e3779b9);
    this.zobristOpen = zobrist(openCount, 0x7f4a7c15);
    this.groupNext = new Uint32Array(groupCount);
    this.completedLeft = completed;
  }

  nextInGroup(group: number): number {
    return this.groupNext[group]!;
  }

  add(node: Node): void {
    if (node.slot >= 0) {
      const word = node.slot >>> 5;
      this.words[word]! |= 1 << (node.slot & 31);
      this.bitsInWord[word]!++;
      if (word > this.highWord) this.highWord = word;
      while (this.lowWord < this.words.length && this.bitsInWord[this.lowWord] === this.bitsIn(this.lowWord)) this.lowWord++;
      this.hash = (this.hash ^ this.zobristCompleted[node.slot]!) >>> 0;
      this.completedLeft--;
    } else {
      this.hash = (this.hash ^ this.zobristOpen[node.openSlot]!) >>> 0;
      if (node.group >= 0) this.groupNext[node.group]!++;
    }
  }

  remove(node: Node): void {
    if (node.slot >= 0) {
      const word = node.slot >>> 5;
      this.words[word]! &= ~(1 << (node.slot & 31));
      this.bitsInWord[word]!--;
      if (word < this.lowWord) this.lowWord = word;
      while (this.highWord >= 0 && this.bitsInWord[this.highWord] === 0) this.highWord--;
      this.hash = (this.hash ^ this.zobristCompleted[node.slot]!) >>> 0;
      this.completedLeft++;
    } else {
      this.hash = (this.hash ^ this.zobristOpen[node.openSlot]!) >>> 0;
      if (node.group >= 0) this.groupNext[node.group]!--;
    }
  }

  hashWith(stateId: number): number {
    return (this.hash ^ Math.imul(stateId + 1, 0x85ebca6b)) >>> 0;
  }

  /** Words `writeAt` stores: lowWord, the count of stored completed words, those words, each group's count. */
  storedLength(): number {
    return 2 + this.storedEnd() - this.lowWord + this.groupNext.length;
  }

  writeAt(pool: Uint32Array, at: number): void {
    const end = this.storedEnd();
    pool[at] = this.lowWord;
    pool[at + 1] = end - this.lowWord;
    let p = at + 2;
    for (let w = this.lowWord; w < end; w++) pool[p++] = this.words[w]!;
    for (let g = 0; g < this.groupNext.length; g++) pool[p++] = this.groupNext[g]!;
  }

  /** Whether `writeAt` stored this same set at `at`. */
  equalsAt(pool: Uint32Array, at: number): boolean {
    const end = this.storedEnd();
    if (pool[at] !== this.lowWord || pool[at + 1] !== end - this.lowWord) return false;
    let p = at + 2;
    for (let w = this.lowWord; w < end; w++) if (pool[p++] !== this.words[w]) return false;
    for (let g = 0; g < this.groupNext.length; g++) if (pool[p++] !== this.groupNext[g]) return false;
    return true;
  }

  private storedEnd(): number {
    return Math.max(this.lowWord, this.highWord + 1);
  }

  private bitsIn(word: number): number {
    return word < this.words.length - 1 ? 32 : this.completed - 32 * word;
  }
}

function zobrist(count: number, seed: number): Uint32Array {
  const values = new Uint32Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0;
    values[i] = s;
  }
  return values;
}

function stateIdOf(ids: Map<string, number>, state: RegisterState): number {
  const key = `${state.version}${state.deleted ? 'd' : ''}${state.value === null ? '' : `:${state.value}`}`;
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size;
    ids.set(key, id);
  }
  return id;
}

/**
 * Every configuration reached, packed into one growing array (an object per entry would make the
 * garbage collector the bottleneck), found through an open-addressing table of entry offsets. An
 * entry: its hash, the state id, then the set as LinearizedSet.writeAt lays it out.
 */
class ConfigurationCache {
  private pool = new Uint32Array(1 << 16);
  private used = 0;
  private table = new Int32Array(1 << 12); // offset + 1 of an entry, 0 = empty
  private entries = 0;

  /** Records the configuration; returns true if it was already there. */
  visit(set: LinearizedSet, stateId: number): boolean {
    const hash = set.hashWith(stateId);
    const mask = this.table.length - 1;
    let slot = hash & mask;
    for (let link = this.table[slot]!; link !== 0; link = this.table[slot]!) {
      const at = link - 1;
      if (this.pool[at] === hash && this.pool[at + 1] === stateId && set.equalsAt(this.pool, at + 2)) return true;
      slot = (slot + 1) & mask;
    }
    const size = 2 + set.storedLength();
    if (this.used + size > this.pool.length) {
      const bigger = new Uint32Array(Math.max(this.pool.length * 2, this.used + size));
      bigger.set(this.pool);
      this.pool = bigger;
    }
    const at = this.used;
    this.pool[at] = hash;
    this.pool[at + 1] = stateId;
    set.writeAt(this.pool, at + 2);
    this.used += size;
    this.table[slot] = at + 1;
    if (++this.entries * 2 > this.table.length) this.grow();
    return false;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    const mask = this.table.length - 1;
    for (const link of old) {
      if (link === 0) continue;
      let slot = this.pool[link - 1]! & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = link;
    }
  }
}

/** The state version a completed op's answer pins down (the version it was applied at), if any. */
function requiredVersionOf(op: Op): number | null {
  const out = op.output;
  if (out === undefined) return null;
  switch (out.op) {
    case 'get':
      return out.version;
    case 'put':
      return out.ok ? out.version - 1 : (out.current ?? null);
    case 'delete':
      return out.version ?? null;
    case 'written':
    case 'value':
      return null; // lin-kv answers name no version
  }
}

/**
 * Open puts that must have taken effect, with the version they were applied at: the only put of a
 * value (no other put, open or completed, writes it, and the key did not start with it) that
 * reads saw, all at one version v. Only that put can have made the state a read saw, so it made
 * version v, from v - 1. (Reads that disagree on v are left for the search to reject.)
 */
function pinnedOpenPuts(ops: readonly Op[], initial: RegisterState): Map<Op, number> {
  const writers = new Map<string, Op[]>();
  for (const op of ops) {
    if (op.input.op !== 'put') continue;
    const list = writers.get(op.input.value) ?? [];
    list.push(op);
    writers.set(op.input.value, list);
  }
  const seenAt = new Map<string, number | null>(); // null: reads disagree
  for (const op of ops) {
    const out = op.output;
    if (out?.op !== 'get' || out.value === null || out.deleted || out.version === 0) continue;
    const known = seenAt.get(out.value);
    seenAt.set(out.value, known === undefined || known === out.version ? out.version : null);
  }
  const pinned = new Map<Op, number>();
  for (const [value, version] of seenAt) {
    const only = writers.get(value);
    if (version === null || only?.length !== 1 || only[0]!.return !== null || value === initial.value) continue;
    pinned.set(only[0]!, version - 1);
  }
  return pinned;
}

/**
 * The values reads reported, and a placeholder that is none of them: any other written value is
 * one no answer can reveal.
 */
function placeholderFor(ops: readonly Op[]): { observed: ReadonlySet<string>; value: string } {
  const observed = new Set<string>();
  for (const op of ops) if ((op.output?.op === 'get' || op.output?.op === 'value') && op.output.value !== null) observed.add(op.output.value);
  // A lin-kv cas compares values: the value it expects is observed by it.
  for (const op of ops) if (op.input.op === 'put' && op.input.from !== undefined) observed.add(op.input.from);
  let value = '\u0000unobserved';
  while (observed.has(value)) value += '\u0000';
  return { observed, value };
}

/** Removes a call and its return from the list (the op is now linearized). */
function lift(call: Node): void {
  call.prev!.next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  const ret = call.match;
  if (ret === null) return;
  ret.prev!.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Puts them back, in the reverse order of lift. */
function unlift(call: Node): void {
  const ret = call.match;
  if (ret !== null) {
    ret.prev!.next = ret;
    if (ret.next !== null) ret.next.prev = ret;
  }
  call.prev!.next = call;
  if (call.next !== null) call.next.prev = call;
}
