// Roving tabindex (WAI-ARIA authoring practices): a group of many controls — the nodes on the ring,
// the links between them — is one Tab stop, and the arrow keys move inside it. Without it a 9-node
// ring was 45 Tab stops between the header and the panels.

/** The item that holds the group's one Tab stop: the last one focused while it still exists. */
export function rovingStop(ids: readonly string[], active: string | null): string | null {
  return active !== null && ids.includes(active) ? active : (ids[0] ?? null);
}

/** Where a key moves focus from `from` (wrapping around), or null when the key is not a move. */
export function rovingTarget(ids: readonly string[], from: string, key: string): string | null {
  const at = ids.indexOf(from);
  const n = ids.length;
  if (at < 0 || n === 0) return null;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return ids[(at + 1) % n]!;
    case 'ArrowLeft':
    case 'ArrowUp':
      return ids[(at - 1 + n) % n]!;
    case 'Home':
      return ids[0]!;
    case 'End':
      return ids[n - 1]!;
    default:
      return null;
  }
}
