// How a client operation is sent until it gets a definite answer — the rules of the lab's gateway
// (server/cluster/client-gateway.ts) and of the simulator's (shared/sim/cluster/gateway.ts), which
// differ only in how they wait: in real time with promises, or in virtual time at once. The rules
// are a generator that yields what it needs done (wait for a leader, ask a node); each gateway runs
// it with its own driver, so the scenario simulator (every scenario, on every seed its tests run)
// tests the code the lab runs — and so does the seed simulator's client load
// (shared/sim/client-load.ts), which runs the lab's client operations on every seed.
import { CommandError } from '../protocol/command-error.ts';
import type { AnswerTo } from '../node/answers.ts';
import type { NodeRequest } from '../node/protocol.ts';
import type { RequestOutcome } from './node-requests.ts';

/** A few attempts, each of up to the host's attempt timeout (four election timeouts). */
export const ATTEMPTS = 4;

export interface AttemptRoute {
  /** Go where "not leader" points (and wait out an election). */
  readonly redirect: boolean;
  /** When the node asked does not answer in time, find the leader again and retry. */
  readonly failover: boolean;
}

/** A node's answer, or "unknown" when it did not answer in time or went down. */
export type AttemptOutcome = RequestOutcome;

export interface AttemptHost {
  leader(): string | null;
  isRunning(node: string): boolean;
  attemptTimeoutMs(): number;
}

/** What the rules need done next: the driver does it and passes the result back into the generator. */
export type AttemptStep<R> =
  /** Answered with the leader, or null at the deadline. */
  | { readonly wait: 'leader'; readonly deadline: number }
  /** Answered with whether `node` had applied `index` by the deadline. */
  | { readonly wait: 'applied'; readonly node: string; readonly index: number; readonly deadline: number }
  | { readonly ask: string; readonly request: R; readonly timeoutMs: number };

/** What a driver hands back for a step: a leader or null, whether a node applied, a node's answer. */
export type StepAnswer = string | null | boolean | AttemptOutcome;

/**
 * Sends `request` until it gets a definite answer: returns the value (with the node that answered)
 * or throws a CommandError. Writes are retried with the same client session sequence number, so a
 * retry never applies twice; a write with no answer in time ends "timeout" (maybe applied).
 */
export function* untilDefinite<R extends NodeRequest>(
  host: AttemptHost,
  /** The clock deadlines are measured in: real ms (performance.now) for the lab — not its lab
   *  clock, which may be slowed or paused — and virtual ms for the simulator. */
  deadlineNow: () => number,
  request: R,
  preferred: string | undefined,
  route: AttemptRoute,
): Generator<AttemptStep<NodeRequest>, AnswerTo<R> & { readonly node: string }, StepAnswer> {
  let target: string | null = preferred ?? host.leader();
  let uncertain = false;
  let lastError = '';
  let leaderless = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const deadline = deadlineNow() + host.attemptTimeoutMs();
    if (!target || !host.isRunning(target)) {
      if (attempt === 0 && preferred) throw new CommandError('unavailable', `${preferred} is not running`);
      target = (yield { wait: 'leader', deadline }) as string | null;
    }
    if (!target) {
      // Two election rounds without a leader: the cluster has lost its quorum; say so now.
      if (++leaderless >= 2) break;
      continue;
    }
    const outcome = (yield { ask: target, request, timeoutMs: deadline - deadlineNow() }) as AttemptOutcome;
    // The node answers the kind it was asked (node-runtime.ts answers by request kind): typed, not re-validated.
    if (outcome.ok) return { ...(outcome.value as AnswerTo<R>), node: target };
    lastError = outcome.error;
    if (outcome.code === 'conflict' || outcome.code === 'bad-request' || outcome.code === 'internal') throw new CommandError(outcome.code, outcome.error);
    // A node that refused for a reason of its own (a full disk): this attempt did not happen, and
    // asking the same leader again before a person frees space would only say so again. An earlier
    // attempt that went unanswered still may have: then the answer stays "unknown" (below).
    if (outcome.code === 'unavailable') {
      if (!uncertain) throw new CommandError('unavailable', outcome.error);
      break;
    }
    if (outcome.code === 'not-leader') {
      if (!route.redirect) throw new CommandError('not-leader', `${outcome.error}${outcome.leader ? `; the leader is ${outcome.leader}` : ''}`);
      // A node that knows no leader cannot forward; only a load-balanced request looks elsewhere.
      if (!outcome.leader && !route.failover) throw new CommandError('no-leader', `${outcome.error}; it knows of no leader to forward to`);
      target = outcome.leader ?? null;
      if (!target) yield { wait: 'leader', deadline };
      continue;
    }
    // unknown (no answer in time, or the node went down), lost (overwritten), unavailable
    if (outcome.code === 'unknown') uncertain = true;
    if (!route.failover) break;
    target = null;
  }
  if (uncertain && request.kind === 'propose') {
    throw new CommandError('timeout', `no answer in time: the write may or may not have been applied (a retry with the same client session is safe)${lastError ? ` (${lastError})` : ''}`);
  }
  if (uncertain) throw new CommandError('timeout', `no answer in time (${lastError})`);
  throw new CommandError('no-leader', `no leader could be reached: the cluster has no quorum or is still electing${lastError ? ` (${lastError})` : ''}`);
}
