import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from './delivery-queue.ts';

describe('DeliveryQueue', () => {
  it('pops by delivery time, keeping send order for ties', () => {
    const queue = new DeliveryQueue<{ id: number; deliverAt: number }>();
    for (const [id, deliverAt] of [[1, 30], [2, 10], [3, 20], [4, 10], [5, 5]] as const) queue.push({ id, deliverAt });
    const order: number[] = [];
    for (let item = queue.pop(); item; item = queue.pop()) order.push(item.id);
    expect(order).toEqual([5, 2, 4, 3, 1]);
  });

  it('removes one message by id and all messages to a node', () => {
    const queue = new DeliveryQueue<{ id: number; deliverAt: number; to: string }>();
    queue.push({ id: 1, deliverAt: 3, to: 'n1' });
    queue.push({ id: 2, deliverAt: 1, to: 'n2' });
    queue.push({ id: 3, deliverAt: 2, to: 'n1' });
    queue.push({ id: 4, deliverAt: 4, to: 'n3' });
    expect(queue.remove(4)?.id).toBe(4);
    expect(queue.removeWhere((item) => item.to === 'n1').map((item) => item.id).sort()).toEqual([1, 3]);
    expect(queue.size).toBe(1);
    expect(queue.pop()?.id).toBe(2);
  });
});
