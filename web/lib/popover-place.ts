// Where a node's or a link's menu opens, so that it stays on the ring's area however narrow the
// screen: under a node on the left third it opens rightwards, on the right third leftwards, in the
// middle centred. A menu is wider than a third of a phone's ring, so centring would push it off.

/** CSS transform for a menu anchored at `fraction` (0–1) of the ring's width. */
export function popoverTransform(fraction: number): string {
  const below = '12px';
  if (fraction < 1 / 3) return `translate(-24px, ${below})`;
  if (fraction > 2 / 3) return `translate(calc(-100% + 24px), ${below})`;
  return `translate(-50%, ${below})`;
}
