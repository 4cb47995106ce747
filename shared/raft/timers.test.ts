// ticksUntilDue lets a host sleep through ticks; it is only safe if a tick it calls "not due" really
// changes nothing a host would act on or a person would see. Checked tick by tick on random runs
// with elections, partitions, proposals, lease and ReadIndex reads and snapshots.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './prng.ts';
import type { RawNode } from './raw-node.ts';
import { TestNetwork } from './test-network.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** Everything a tick could change that matters outside the core's own counters. */
function visible(node: RawNode): string {
  const s = node.status();
  return JSON.stringify([s.role, s.term, s.vote, s.leader, s.commit, s.lastIndex, s.leadTransferee, s.leaseReadSafe, s.snapshotIndex,
    Object.entries(s.progress).map(([id, p]) => [id, p.state, p.match, p.next])]);
}

describe('ticksUntilDue', () => {
  it('a follower is due when its randomized election timeout runs out, a leader at its next heartbeat', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { electionTicks: 10, heartbeatTicks: 3 });
    const follower = net.node('n2');
    const timeout = follower.status().randomizedElectionTimeout;
    expect(follower.ticksUntilDue()).toBe(timeout);
    net.tick(['n2'], 4);
    expect(follower.ticksUntilDue()).toBe(timeout - 4);

    net.elect('n1');
    const leader = net.node('n1');
    expect(leader.status().role).toBe('leader');
    expect(leader.ticksUntilDue()).toBeLessThanOrEqual(3);
    net.tick(['n1'], leader.ticksUntilDue());
    expect(leader.ticksUntilDue()).toBe(3); // the heartbeat went out and its counter restarted
  });

  it('a learner has no timer that matters', () => {
    const net = new TestNetwork(['n1', 'n2'], { electionTicks: 10, heartbeatTicks: 3 });
    net.add('n3', { initialConfig: { voters: ['n1', 'n2'], learners: ['n3'], votersOutgoing: [] } });
    expect(net.node('n3').ticksUntilDue()).toBe(Infinity);
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`never calls a tick quiet that changes anything (random run, seed ${seed})`, () => {
      const random = mulberry32(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const net = new TestNetwork(ids, { electionTicks: 10, heartbeatTicks: 3, snapshotThreshold: 20, snapshotTrailing: 5 }, seed);
      let checkedQuiet = 0;
      let actedWhenDue = 0;
      let writes = 0;
      for (let step = 0; step < 6000; step++) {
        const roll = random();
        if (roll < 0.01) {
          net.heal();
          if (random() < 0.5) net.isolate(pick(ids));
        } else if (roll < 0.08) {
          const leader = net.leaders()[0];
          if (leader) {
            const node = net.node(leader);
            if (random() < 0.7) node.propose(`w${writes++}`);
            else node.readIndex(`r${step}`);
          }
        } else if (roll < 0.5) {
          for (let n = Math.floor(random() * 6); n >= 0; n--) net.deliverOne();
        } else {
          const id = pick(ids);
          const node = net.node(id);
          net.drainReady();
          const due = node.ticksUntilDue();
          const before = visible(node);
          node.tick();
          if (due > 1) {
            expect(node.hasReady(), `${id} acted on a tick ${due} before due (step ${step})`).toBe(false);
            expect(visible(node), `${id} changed on a tick ${due} before due (step ${step})`).toBe(before);
            checkedQuiet++;
          } else if (node.hasReady() || visible(node) !== before) {
            actedWhenDue++;
          }
        }
        net.drainReady();
        // Hosts compact as the runtime does, so lagging followers are sent snapshots (some lost to a partition).
        const host = net.node(pick(ids));
        const status = host.status();
        if (status.snapshotSuggested) host.compact(status.applied, `image@${status.applied}`);
      }
      // The run exercised both sides: many ticks slept through, and due ticks that did something.
      expect(checkedQuiet).toBeGreaterThan(1000);
      expect(actedWhenDue).toBeGreaterThan(50);
      expect(writes).toBeGreaterThan(20);
    });
  }
});
