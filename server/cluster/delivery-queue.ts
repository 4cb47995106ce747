// In-flight messages ordered by virtual delivery time (a binary min-heap; ties keep send order).
export interface Timed {
  readonly id: number;
  readonly deliverAt: number;
}

export class DeliveryQueue<T extends Timed> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    this.heap.push(item);
    this.siftUp(this.heap.length - 1);
  }

  pop(): T | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Removes and returns the item with this id (for drop / deliver-now from the inspector). */
  remove(id: number): T | undefined {
    const at = this.heap.findIndex((item) => item.id === id);
    if (at < 0) return undefined;
    const [removed] = this.heap.splice(at, 1);
    this.heap.sort(compare);
    return removed;
  }

  /** Removes every item matching the predicate (e.g. messages to a node that just died). */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const removed = this.heap.filter(predicate);
    if (removed.length === 0) return removed;
    const kept = this.heap.filter((item) => !predicate(item));
    this.heap.length = 0;
    this.heap.push(...kept.sort(compare));
    return removed;
  }

  items(): readonly T[] {
    return this.heap;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (compare(heap[index]!, heap[parent]!) >= 0) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && compare(heap[left]!, heap[smallest]!) < 0) smallest = left;
      if (right < heap.length && compare(heap[right]!, heap[smallest]!) < 0) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}

function compare(a: Timed, b: Timed): number {
  return a.deliverAt - b.deliverAt || a.id - b.id;
}
