// What the in-flight list says besides its items: why the list is empty, and how many messages it
// does not show — past its length, or heartbeats hidden by the toggle (which are not "more" to see).

export function inFlightEmpty(total: number): string {
  return total === 0 ? 'No messages in flight.' : 'Only heartbeats in flight.';
}

/** `total` in flight, `shown` after hiding heartbeats, `listed` of those on screen. */
export function inFlightNote(total: number, shown: number, listed: number): string | null {
  const parts: string[] = [];
  if (shown > listed) parts.push(`and ${shown - listed} more`);
  const hidden = total - shown;
  if (hidden > 0) parts.push(`${hidden} heartbeat${hidden === 1 ? '' : 's'} hidden`);
  return parts.length > 0 ? parts.join(' · ') : null;
}
