// The challenges of a cluster, for both hosts: a ChallengeWatch (shared/challenges) fed every event
// the cluster streams, and each challenge it finds solved streamed as a `challenge` event, which the
// page folds into its list and the class view counts. Emitted after the event that solved it has
// reached every subscriber, so nobody sees the verdict before its cause.
import { ChallengeWatch } from '../challenges/challenge-watch.ts';
import type { EventLog } from './event-log.ts';

/** The `challenge` event's detail bound (shared/protocol/events.ts). */
const MAX_DETAIL = 2000;

export function challengeRow(events: EventLog): () => void {
  const watch = new ChallengeWatch(events.view.challenges.map((solved) => solved.id));
  return events.subscribe((event) => {
    if (event.type === 'challenge') return;
    // The detail may quote a violation's explanation: kept within what the event schema allows.
    for (const solved of watch.observe(event, events.view)) events.emitAfter({ type: 'challenge', challenge: solved.id, detail: solved.detail.slice(0, MAX_DETAIL) });
  });
}
