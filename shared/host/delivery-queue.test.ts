import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from './delivery-queue.ts';

describe('DeliveryQueue', () => {
  it('pops by delivery time, keeping send order for ties', () => {
    const queue = new DeliveryQueue<number>();
    for (const [id, at] of [[1, 30], [2, 10], [3, 20], [4, 10], [5, 5]] as const) queue.push(at, id);
    const order: number[] = [];
    for (let next = queue.popDue(Infinity); next; next = queue.popDue(Infinity)) order.push(next.item);
    expect(order).toEqual([5, 2, 4, 3, 1]);
  });

  it('pops only what is due by now, and peeks without removing', () => {
    const queue = new DeliveryQueue<string>();
    queue.push(20, 'late');
    queue.push(10, 'early');
    expect(queue.peek()?.item).toBe('early');
    expect(queue.popDue(5)).toBeUndefined();
    expect(queue.popDue(10)?.item).toBe('early');
    expect(queue.popDue(15)).toBeUndefined();
    expect(queue.size).toBe(1);
  });
});
