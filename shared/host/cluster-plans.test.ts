import { describe, expect, it } from 'vitest';
import { noBugs, type Switches } from '../raft/index.ts';
import { CommandError } from '../protocol/commands.ts';
import { changeMembership, leaderImage, mergeSwitches, transferLeadership, type ClusterPlan, type ClusterStep } from './cluster-plans.ts';
import type { RequestOutcome } from './node-requests.ts';

/** Drives a plan against scripted answers, as a host's driver would; returns what it did. */
function drive<T>(plan: ClusterPlan<T>, answer: (step: ClusterStep) => unknown): { value?: T; error?: CommandError; steps: ClusterStep[] } {
  const steps: ClusterStep[] = [];
  try {
    let step = plan.next();
    while (!step.done) {
      steps.push(step.value);
      step = plan.next(answer(step.value));
    }
    return { value: step.value, steps };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return { error, steps };
  }
}

describe('cluster plans (one for the lab and the simulator)', () => {
  it('transfer: asks the leader, then waits to see the new one lead; a refusal or no change in time is an error', () => {
    let leader = 'n1';
    const host = { leader: () => leader, attemptTimeoutMs: () => 100, deadlineNow: () => 1_000 };
    const ok = drive(transferLeadership(host, 'n2'), (step) => {
      if ('ask' in step) return { ok: true, value: {} } satisfies RequestOutcome;
      if ('until' in step) {
        leader = 'n2';
        return step.until();
      }
      throw new Error('unexpected step');
    });
    expect(ok.value).toEqual({ leader: 'n2' });
    expect(ok.steps[0]).toMatchObject({ ask: 'n1', request: { kind: 'transfer', to: 'n2' }, timeoutMs: 100 });
    expect(ok.steps[1]).toMatchObject({ deadline: 1_100 });

    leader = 'n1';
    expect(drive(transferLeadership(host, 'n1'), () => undefined)).toMatchObject({ value: { leader: 'n1', alreadyLeader: true }, steps: [] });
    expect(drive(transferLeadership(host, 'n3'), (step) => ('ask' in step ? { ok: true, value: {} } : false)).error?.code).toBe('timeout');
    expect(drive(transferLeadership(host, 'n3'), () => ({ ok: false, code: 'conflict', error: 'n3 is not caught up' })).error).toMatchObject({ code: 'unavailable', message: 'n3 is not caught up' });
    leader = '';
    expect(drive(transferLeadership({ ...host, leader: () => null }, 'n3'), () => undefined).error?.code).toBe('no-leader');
  });

  it('membership change: asks the leader with twice the patience, and the roster hears it ended however it ended', () => {
    const host = { leader: () => 'n1', attemptTimeoutMs: () => 100, deadlineNow: () => 0 };
    let done = 0;
    const roster = {
      beginChange: () => ({ leader: 'n1', change: { type: 'add-voter' as const, node: 'n4' }, joint: false }),
      changeDone: () => void done++,
    } as unknown as Parameters<typeof changeMembership>[1];
    const ok = drive(changeMembership(host, roster, ['n4'], []), () => ({ ok: true, value: { index: 9, term: 2 } }));
    expect(ok).toMatchObject({ value: { index: 9, term: 2, joint: false } });
    expect(ok.steps[0]).toMatchObject({ ask: 'n1', request: { kind: 'conf-change' }, timeoutMs: 200 });
    expect(drive(changeMembership(host, roster, ['n4'], []), () => ({ ok: false, code: 'not-leader', error: 'n1 stepped down' })).error?.code).toBe('conflict');
    expect(drive(changeMembership(host, roster, ['n4'], []), () => ({ ok: false, code: 'unknown', error: 'no answer' })).error?.code).toBe('timeout');
    expect(done).toBe(3);
  });

  it("snapshot image: waits one attempt for a leader, then asks it; none is 'no-leader'", () => {
    let leader: string | null = null;
    const host = { leader: () => leader, attemptTimeoutMs: () => 50, deadlineNow: () => 10 };
    const image = { index: 4, term: 1, keys: 2, data: '{}' };
    const got = drive(leaderImage(host), (step) => {
      if ('until' in step) {
        leader = 'n3';
        return step.until();
      }
      return { ok: true, value: image };
    });
    expect(got.value).toEqual(image);
    expect(got.steps.map((step) => ('ask' in step ? step.ask : 'until' in step ? `until ${step.deadline}` : 'each'))).toEqual(['until 60', 'n3']);
    leader = null;
    expect(drive(leaderImage(host), () => false).error?.code).toBe('no-leader');
  });

  it('switches: a command changes only what it names', () => {
    const current: Switches = { preVote: true, checkQuorum: true, forwardProposals: false, bugs: noBugs() };
    const next = mergeSwitches(current, { type: 'switches', checkQuorum: false, bugs: { commitByCounting: true } });
    expect(next).toEqual({ ...current, checkQuorum: false, bugs: { ...noBugs(), commitByCounting: true } });
    expect(current.bugs.commitByCounting).toBe(false);
  });
});
