// Geometry of the cluster ring, computed with d3 and rendered by Svelte. Pure functions of data.
import { scaleLinear } from 'd3-scale';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface RingGeometry {
  readonly center: Point;
  readonly radius: number;
  readonly nodeRadius: number;
  readonly positions: ReadonlyMap<string, Point>;
}

/** Places nodes clockwise from the top, evenly spaced. */
export function ringLayout(ids: readonly string[], size: number): RingGeometry {
  const center = { x: size / 2, y: size / 2 };
  const nodeRadius = Math.max(18, Math.min(34, size / (ids.length * 2.6)));
  const radius = size / 2 - nodeRadius - 12;
  const angle = scaleLinear().domain([0, Math.max(1, ids.length)]).range([-Math.PI / 2, (3 * Math.PI) / 2]);
  const positions = new Map<string, Point>();
  ids.forEach((id, i) => {
    const a = angle(i);
    positions.set(id, { x: center.x + radius * Math.cos(a), y: center.y + radius * Math.sin(a) });
  });
  return { center, radius, nodeRadius, positions };
}

/**
 * Where a message is on its way from `from` to `to`: `progress` 0 at the sender's edge, 1 at the
 * receiver's. Requests and replies between the same pair travel on lanes either side of the line.
 */
export function messagePoint(from: Point, to: Point, progress: number, nodeRadius: number, lane: number): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const travel = scaleLinear().domain([0, 1]).range([nodeRadius, length - nodeRadius]).clamp(true);
  const along = travel(progress);
  return { x: from.x + ux * along - uy * lane, y: from.y + uy * along + ux * lane };
}

/** 0..1 of a message's flight at virtual time `now`. */
export function flightProgress(sentAt: number, deliverAt: number, now: number): number {
  if (deliverAt <= sentAt) return 1;
  return Math.min(1, Math.max(0, (now - sentAt) / (deliverAt - sentAt)));
}
