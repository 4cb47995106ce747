import { describe, expect, it } from 'vitest';
import { ReportBatcher, type BatcherTimers, type Posted } from './report-batcher.ts';
import type { ReadyReport } from './worker-protocol.ts';
import type { NodeStatus } from '../../shared/protocol/views.ts';

function ready(patch: Partial<ReadyReport> = {}): ReadyReport {
  return { type: 'ready', appended: [], applied: [], messages: [], outcomes: [], persisted: null, snapshots: [], observations: [], ...patch };
}

const status = (role: NodeStatus['role'], term: number, leader: string | null, commit = 0) => ({ role, term, leader, commit }) as unknown as NodeStatus;

function setup() {
  const posted: Posted[] = [];
  const pending: (() => void)[] = [];
  const timers: BatcherTimers = {
    set: (callback) => pending.push(callback),
    clear: () => void pending.splice(0),
  };
  const batcher = new ReportBatcher((message) => posted.push(message), timers);
  const fire = (): void => pending.splice(0).forEach((callback) => callback());
  return { batcher, posted, fire };
}

describe('ReportBatcher', () => {
  it('holds reports nobody waits for and sends them together when the timer fires', () => {
    const { batcher, posted, fire } = setup();
    batcher.report(ready({ status: status('follower', 1, 'n1') })); // first news of the leader: at once
    expect(posted).toHaveLength(1);
    batcher.report(ready({ status: status('follower', 1, 'n1', 5) }));
    batcher.report(ready({ status: status('follower', 1, 'n1', 6) }));
    expect(posted).toHaveLength(1);
    fire();
    expect(posted).toHaveLength(2);
    expect(posted[1]).toMatchObject({ type: 'reports', reports: [{ status: { commit: 5 } }, { status: { commit: 6 } }] });
  });

  it('sends a client answer at once, after what was held, in order', () => {
    const { batcher, posted } = setup();
    batcher.report(ready({ status: status('leader', 2, 'n1') }));
    batcher.report(ready({ status: status('leader', 2, 'n1', 7) }));
    batcher.report(ready({ outcomes: [{ requestId: 1, outcome: { ok: true, value: {} } }] }));
    expect(posted).toHaveLength(2);
    expect(posted[1]).toMatchObject({ type: 'reports', reports: [{ status: { commit: 7 } }, { outcomes: [{ requestId: 1 }] }] });
  });

  it('never holds bus messages, a new leader or term, a replaced state machine, or a fatal error', () => {
    const { batcher, posted } = setup();
    batcher.report(ready({ status: status('follower', 1, 'n1') }));
    const urgent: ReadyReport[] = [
      ready({ messages: [{ type: 'Heartbeat', from: 'n2', to: 'n1', term: 1 } as never] }),
      ready({ status: status('candidate', 2, null) }),
      ready({ status: status('follower', 2, 'n3') }),
      ready({ kvReset: 'snapshot' }),
    ];
    for (const report of urgent) batcher.report(report);
    expect(posted).toHaveLength(1 + urgent.length);
    batcher.report(ready({ status: status('follower', 2, 'n3', 9) }));
    batcher.report({ type: 'fatal', error: 'disk full' });
    expect(posted.slice(-2)).toMatchObject([{ status: { commit: 9 } }, { type: 'fatal' }]);
  });
});
