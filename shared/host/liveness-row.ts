// The invariant monitor's liveness row, for both hosts: a LivenessWatch (shared/check/liveness.ts)
// fed every event the cluster streams, asked on the host's own clock (virtual time in both worlds),
// and each change of its verdict streamed as a `liveness` event the page folds and shows.
import { LivenessWatch, type LivenessBounds } from '../check/liveness.ts';
import type { EventLog } from './event-log.ts';

/** Virtual ms between two looks: often enough to turn red promptly, rare enough to cost nothing. */
const LOOK_EVERY_MS = 50;

export interface LivenessRow {
  /** Looks again if enough virtual time passed since the last look; call it from the host's tick. */
  look(now: number): void;
  stop(): void;
}

export function livenessRow(events: EventLog, bounds: LivenessBounds): LivenessRow {
  const watch = new LivenessWatch(bounds);
  const unsubscribe = events.subscribe((event) => watch.observe(event));
  let lookedAt = Number.NEGATIVE_INFINITY;
  return {
    look(now) {
      if (now - lookedAt < LOOK_EVERY_MS) return;
      lookedAt = now;
      const verdict = watch.check(now, events.view);
      if (verdict) events.emit({ type: 'liveness', liveness: verdict });
    },
    stop: unsubscribe,
  };
}
