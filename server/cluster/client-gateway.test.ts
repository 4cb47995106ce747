// The lab's gateway on its own, with a scripted host: what it does when no leader is known yet.
import { describe, expect, it } from 'vitest';
import type { UnstampedEvent } from '../../shared/protocol/events.ts';
import { ClientGateway, type GatewayHost } from './client-gateway.ts';
import type { WorkerRequests } from './worker-requests.ts';

describe('ClientGateway', () => {
  it('waits for a leader in real time even when the lab clock is slow, then writes there', async () => {
    const events: UnstampedEvent[] = [];
    const asked: string[] = [];
    let leader: string | null = null;
    const host: GatewayHost = {
      // A lab slowed for teaching runs far behind real time.
      now: () => performance.now() - 1_000_000,
      leader: () => leader,
      isRunning: () => true,
      anyRunning: () => 'n1',
      attemptTimeoutMs: () => 2000,
      waitForApplied: async () => true,
      // As the cluster's own: a deadline already past answers null at once.
      waitForLeader: async (deadline) => {
        if (deadline <= performance.now()) return null;
        await new Promise((resolve) => setTimeout(resolve, 20));
        leader = 'n2';
        return leader;
      },
      emit: (event) => void events.push(event),
      requests: {
        send: async (node: string) => {
          asked.push(node);
          return { ok: true, value: { index: 7, term: 3, key: 'k', version: 1, op: 'put' } };
        },
      } as unknown as WorkerRequests,
    };
    const gateway = new ClientGateway(host, 'lab-test');
    await expect(gateway.write({ op: 'put', key: 'k', value: 'v' })).resolves.toMatchObject({ index: 7, node: 'n2' });
    expect(asked).toEqual(['n2']);
    expect(events.map((event) => event.type)).toEqual(['client-call', 'client-op']);
  });
});
