// Log compaction and InstallSnapshot: Raft paper section 7.
import { describe, expect, it } from 'vitest';
import { TestNetwork } from './test-network.ts';

describe('log compaction (section 7)', () => {
  it('compact() records a snapshot for the host to persist and drops entries but the trailing ones', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { snapshotTrailing: 2, snapshotThreshold: 5 });
    net.elect('n1');
    for (let i = 0; i < 6; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    const st = net.node('n1').status();
    expect(st.snapshotSuggested).toBe(true); // applied - snapshotIndex >= snapshotThreshold
    net.node('n1').compact(st.applied, 'state@applied');
    const rd = net.node('n1').ready();
    expect(rd.snapshot?.metadata).toMatchObject({ index: st.applied, term: st.term, config: st.config });
    expect(rd.snapshotSource).toBe('local');
    expect(rd.compactedBefore).toBe(st.applied - 1);
    net.node('n1').advance(rd);
    expect(net.node('n1').status()).toMatchObject({ snapshotIndex: st.applied, firstIndex: st.applied - 1, snapshotSuggested: false });
  });

  it('a follower behind the compacted log gets InstallSnapshot and catches up from there', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { snapshotTrailing: 0 });
    net.elect('n1');
    net.isolate('n3');
    for (let i = 0; i < 5; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    const applied = net.node('n1').status().applied;
    net.node('n1').compact(applied, 'kv-image-1');
    net.stabilize();
    net.node('n1').propose('after');
    net.stabilize();
    net.heal();
    for (let i = 0; i < 3; i++) net.tick(['n1']);
    expect(net.delivered.some((m) => m.type === 'Snapshot' && m.to === 'n3')).toBe(true);
    // n3's state machine was restored from the image, then applied what followed it.
    expect(net.applied.get('n3')?.map((e) => e.data).slice(-2)).toEqual([`snapshot:kv-image-1`, 'after']);
    expect(net.disks.get('n3')?.snapshot?.metadata.index).toBe(applied);
    expect(net.node('n3').status()).toMatchObject({ commit: applied + 1, snapshotIndex: applied });
    expect(net.node('n1').status().progress['n3']).toMatchObject({ state: 'replicate', match: applied + 1 });
  });

  it('a follower that lost its disk is noticed by heartbeat and caught up by InstallSnapshot', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { snapshotTrailing: 0 });
    net.elect('n1');
    for (let i = 0; i < 5; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    const applied = net.node('n1').status().applied;
    net.node('n1').compact(applied, 'image');
    net.stabilize();
    // n3's disk is wiped: it comes back empty, with no configuration, and waits to be contacted.
    net.crash('n3');
    net.disks.delete('n3');
    net.add('n3', { snapshotTrailing: 0 });
    expect(net.node('n1').status().progress['n3']?.match).toBe(applied);
    // No new write: heartbeats alone must reveal the loss.
    for (let i = 0; i < 3; i++) net.tick(['n1']);
    expect(net.delivered.some((m) => m.type === 'Snapshot' && m.to === 'n3')).toBe(true);
    expect(net.node('n3').status()).toMatchObject({ snapshotIndex: applied, commit: applied });
    expect(net.node('n1').status().progress['n3']?.match).toBe(applied);
  });

  it('a node restarts from its snapshot plus the entries after it', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { snapshotTrailing: 0 });
    net.elect('n1');
    for (let i = 0; i < 4; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    const applied = net.node('n2').status().applied;
    net.node('n2').compact(applied, 'image');
    net.stabilize();
    net.node('n1').propose('tail');
    net.stabilize();
    net.crash('n2');
    const n2 = net.restart('n2');
    expect(n2.status()).toMatchObject({ snapshotIndex: applied, applied, lastIndex: applied + 1, config: net.node('n1').status().config });
    net.stabilize();
    expect(net.appliedData('n2')).toEqual(['tail']);
  });

  it('a lost snapshot is retried after an election timeout', () => {
    const net = new TestNetwork(['n1', 'n2', 'n3'], { snapshotTrailing: 0 });
    net.elect('n1');
    net.isolate('n3');
    for (let i = 0; i < 3; i++) net.node('n1').propose(`c${i}`);
    net.stabilize();
    net.node('n1').compact(net.node('n1').status().applied, 'img');
    net.stabilize();
    net.heal();
    net.filter = (m) => m.type !== 'Snapshot';
    for (let i = 0; i < 3; i++) net.tick(['n1']);
    expect(net.node('n1').status().progress['n3']?.state).toBe('snapshot');
    net.filter = () => true;
    for (let i = 0; i < 12; i++) net.tick(['n1']);
    expect(net.node('n1').status().progress['n3']?.state).toBe('replicate');
    expect(net.node('n3').status().snapshotIndex).toBeGreaterThan(0);
  });
});
