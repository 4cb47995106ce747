// The election timer as a draining arc. Nodes report electionElapsed/electionTimeout in ticks at
// statusAt (virtual ms); between reports the page extrapolates with the view's tickMs, so the arc
// drains smoothly and refills when a heartbeat resets it (the next status report says so).
import { arc } from 'd3-shape';
import type { NodeView } from '../../shared/protocol/index.ts';

/** 1 = a full timer left, 0 = about to time out; null when there is no timer to show. */
export function timerRemaining(node: NodeView, now: number, tickMs: number): number | null {
  if (node.life !== 'alive' || node.role === 'leader' || node.electionTimeout <= 0) return null;
  const elapsedTicks = node.electionElapsed + Math.max(0, now - node.statusAt) / tickMs;
  return Math.max(0, Math.min(1, 1 - elapsedTicks / node.electionTimeout));
}

const ring = arc<number>()
  .startAngle(0)
  .endAngle((fraction) => fraction * 2 * Math.PI);

/** SVG path of the remaining part of the timer around a node of radius `radius`. */
export function timerArcPath(fraction: number, radius: number): string {
  return ring.innerRadius(radius + 2).outerRadius(radius + 6)(fraction) ?? '';
}
