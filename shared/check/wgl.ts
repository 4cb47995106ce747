// Wing & Gong's linearizability search with Lowe's memoisation (as in Porcupine): walk the
// history's call/return events in time order, tentatively linearize a pending call, and backtrack
// when a return is reached before its call was linearized. (linearized set, state) pairs already
// explored are cached, which turns the exponential search into a fast one on real histories.
import { stateKey, stepRegister, type Op, type RegisterState } from './kv-model.ts';

interface Node {
  readonly op: Op;
  readonly slot: number;
  readonly isCall: boolean;
  readonly time: number;
  match: Node | null; // call → its return
  prev: Node | null;
  next: Node | null;
}

export interface SearchResult {
  readonly ok: boolean;
  /** Most ops linearized at once before the search gave up (for explanations). */
  readonly longestPrefix: number;
}

/** Whether `ops` (all on one key) are linearizable from `initial`. */
export function isLinearizable(ops: readonly Op[], initial: RegisterState): SearchResult {
  const n = ops.length;
  if (n === 0) return { ok: true, longestPrefix: 0 };
  const head = buildList(ops);
  const words = Math.ceil(n / 32);
  const linearized = new Uint32Array(words);
  // Zobrist hashing: each op gets a random-looking 32-bit value; the set's hash is their XOR.
  const zobrist = new Uint32Array(n);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0;
    zobrist[i] = seed;
  }
  let hash = 0;
  const cache = new Map<string, Uint32Array[]>();
  const stack: Array<{ node: Node; state: RegisterState }> = [];
  let state = initial;
  let count = 0;
  let longest = 0;
  let entry: Node | null = head.next;

  while (head.next !== null) {
    if (entry === null) break; // unreachable: every call has a later return in the list
    if (entry.isCall) {
      const next = stepRegister(state, entry.op.input, entry.op.output);
      if (next !== null) {
        const slot = entry.slot;
        linearized[slot >>> 5]! |= 1 << (slot & 31);
        const newHash = (hash ^ zobrist[slot]!) >>> 0;
        const key = `${newHash}|${stateKey(next)}`;
        if (!seen(cache, key, linearized)) {
          stack.push({ node: entry, state });
          state = next;
          hash = newHash;
          count++;
          if (count > longest) longest = count;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[slot >>> 5]! &= ~(1 << (slot & 31));
      }
      entry = entry.next;
    } else {
      const top = stack.pop();
      if (top === undefined) return { ok: false, longestPrefix: longest };
      const slot = top.node.slot;
      state = top.state;
      hash = (hash ^ zobrist[slot]!) >>> 0;
      linearized[slot >>> 5]! &= ~(1 << (slot & 31));
      count--;
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return { ok: true, longestPrefix: n };
}

/** Records (set, state) in the cache; returns true if it was already there. */
function seen(cache: Map<string, Uint32Array[]>, key: string, linearized: Uint32Array): boolean {
  const bucket = cache.get(key);
  if (bucket === undefined) {
    cache.set(key, [linearized.slice()]);
    return false;
  }
  for (const candidate of bucket) if (equalWords(candidate, linearized)) return true;
  bucket.push(linearized.slice());
  return false;
}

function equalWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function buildList(ops: readonly Op[]): Node {
  const events: Node[] = [];
  ops.forEach((op, slot) => {
    const call: Node = { op, slot, isCall: true, time: op.call, match: null, prev: null, next: null };
    const ret: Node = { op, slot, isCall: false, time: op.return ?? Infinity, match: null, prev: null, next: null };
    call.match = ret;
    events.push(call, ret);
  });
  // Calls sort before returns at equal times: touching operations count as concurrent, the
  // generous reading (a checker must not blame a store for a tie in the clock).
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Node = { op: ops[0]!, slot: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let previous = head;
  for (const event of events) {
    previous.next = event;
    event.prev = previous;
    previous = event;
  }
  return head;
}

/** Removes a call and its return from the list (the op is now linearized). */
function lift(call: Node): void {
  call.prev!.next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Puts them back, in the reverse order of lift. */
function unlift(call: Node): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next !== null) call.next.prev = call;
}
