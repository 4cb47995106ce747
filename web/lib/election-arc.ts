// The election timer as a draining arc. Nodes report electionElapsed/electionTimeout in ticks at
// statusAt (virtual ms); between reports the page extrapolates with the view's tickMs, so the arc
// drains smoothly and refills when a heartbeat resets it (the next status report says so).
import { arc } from 'd3-shape';
import type { ClusterEvent, NodeView } from '../../shared/protocol/index.ts';

/** 1 = a full timer left, 0 = about to time out; null when there is no timer to show. `resetAt` is
 *  the last time the node heard its leader (a delivered heartbeat or append), which resets the timer
 *  without a status report (nodes report status only when it changes). */
export function timerRemaining(node: NodeView, now: number, tickMs: number, resetAt: number | null = null): number | null {
  if (node.life !== 'alive' || node.role === 'leader' || node.electionTimeout <= 0) return null;
  const heardLater = resetAt !== null && resetAt > node.statusAt;
  const elapsedTicks = heardLater ? Math.max(0, now - resetAt) / tickMs : node.electionElapsed + Math.max(0, now - node.statusAt) / tickMs;
  return Math.max(0, Math.min(1, 1 - elapsedTicks / node.electionTimeout));
}

const ring = arc<number>()
  .startAngle(0)
  .endAngle((fraction) => fraction * 2 * Math.PI);

/** SVG path of the remaining part of the timer around a node of radius `radius`. */
export function timerArcPath(fraction: number, radius: number): string {
  return ring.innerRadius(radius + 2).outerRadius(radius + 6)(fraction) ?? '';
}

const RESETTING = new Set(['Heartbeat', 'Append', 'Snapshot']);

/** When each node last received a heartbeat, append or snapshot, from the last `window` events
 *  before `count` (bounded work: the timer only needs the most recent one). */
export function timerResets(events: readonly ClusterEvent[], count: number, window = 1500): Map<string, number> {
  const sent = new Map<number, string>();
  const resets = new Map<string, number>();
  for (let i = Math.max(0, count - window); i < count; i++) {
    const event = events[i]!;
    if (event.type === 'message-sent') {
      if (RESETTING.has(event.message.kind)) sent.set(event.message.id, event.message.to);
    } else if (event.type === 'message-delivered') {
      const to = sent.get(event.id);
      if (to !== undefined) {
        resets.set(to, event.time);
        sent.delete(event.id);
      }
    }
  }
  return resets;
}
