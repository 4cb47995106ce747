import { describe, expect, it } from 'vitest';
import { CommandError } from '../protocol/commands.ts';
import type { NodeRequest } from '../node/protocol.ts';
import { ATTEMPTS, untilDefinite, type AttemptOutcome, type AttemptStep } from './until-definite.ts';

type Request = NodeRequest;

/** Runs the rules against scripted answers; returns the value or the error, and every step taken. */
function run(request: Request, preferred: string | undefined, route: { redirect: boolean; failover: boolean }, script: { leader: string | null; running?: string[]; answers: AttemptOutcome[]; leaders?: (string | null)[] }) {
  const steps: AttemptStep<Request>[] = [];
  let now = 0;
  const host = { leader: () => script.leader, isRunning: (id: string) => (script.running ?? ['n1', 'n2', 'n3']).includes(id), attemptTimeoutMs: () => 100 };
  const attempts = untilDefinite(host, () => now, request, preferred, route);
  try {
    let step = attempts.next();
    while (!step.done) {
      steps.push(step.value);
      now += 10;
      step = attempts.next('wait' in step.value ? (script.leaders?.shift() ?? null) : (script.answers.shift() ?? { ok: false, code: 'unknown', error: 'no answer' }));
    }
    return { value: step.value, steps };
  } catch (error) {
    return { error: error as CommandError, steps };
  }
}

const write: NodeRequest = { kind: 'propose', command: 'put a' };
const anywhere = { redirect: true, failover: true };

describe('untilDefinite', () => {
  it('follows "not leader" to the node it names and answers with the node that committed', () => {
    const result = run(write, undefined, anywhere, { leader: 'n1', answers: [{ ok: false, code: 'not-leader', leader: 'n2', error: 'n1 is not the leader' }, { ok: true, value: { index: 4, term: 1 } }] });
    expect(result.value).toEqual({ index: 4, term: 1, node: 'n2' });
    expect(result.steps.map((s) => ('ask' in s ? s.ask : 'wait'))).toEqual(['n1', 'n2']);
  });

  it('a write that never got an answer ends "timeout" (maybe applied), after every attempt', () => {
    const result = run(write, undefined, anywhere, { leader: 'n1', answers: [], leaders: ['n1', 'n2', 'n3'] });
    expect(result.error).toBeInstanceOf(CommandError);
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/may or may not have been applied/);
    expect(result.steps.filter((s) => 'ask' in s)).toHaveLength(ATTEMPTS);
  });

  it('gives up after two election rounds without a leader, and says the cluster has no quorum', () => {
    const result = run(write, undefined, anywhere, { leader: null, answers: [], leaders: [null, null] });
    expect(result.error?.code).toBe('no-leader');
    expect(result.steps).toEqual([{ wait: 'leader', deadline: 100 }, { wait: 'leader', deadline: 110 }]);
  });

  it('a chosen node that is down, or that refuses without redirect, fails at once', () => {
    expect(run(write, 'n3', anywhere, { leader: 'n1', running: ['n1'], answers: [] }).error?.code).toBe('unavailable');
    const refused = run({ kind: 'read', key: 'a', consistency: 'linearizable' }, 'n2', { redirect: false, failover: false }, { leader: 'n1', answers: [{ ok: false, code: 'not-leader', leader: 'n1', error: 'n2 is not the leader' }] });
    expect(refused.error?.message).toBe('n2 is not the leader; the leader is n1');
    expect(run(write, undefined, anywhere, { leader: 'n1', answers: [{ ok: false, code: 'conflict', error: 'cas' }] }).error?.code).toBe('conflict');
  });
});
