// In-flight messages ordered by virtual delivery time (a binary heap), for both hosts' bus. Ties
// break by send order, so a run is deterministic whatever the heap's internal layout.
export interface Delivery<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

export class DeliveryQueue<T> {
  private readonly heap: Delivery<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, seq: this.nextSeq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest delivery, without removing it. */
  peek(): Delivery<T> | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest delivery due at or before `now`. */
  popDue(now: number): Delivery<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined || top.at > now) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before<T>(a: Delivery<T>, b: Delivery<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
