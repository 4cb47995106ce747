// Turns what a node does into the live safety checker's observations. Entries travel as digests
// (FNV-1a of type and data): the checker compares entries, it does not need their contents.
import type { Entry } from '../raft/types.ts';
import type { ObservedEntry } from '../check/observations.ts';

export function observedEntry(entry: Entry): ObservedEntry {
  return { index: entry.index, term: entry.term, data: digest(`${entry.type}:${entry.data}`) };
}

function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0') + ':' + text.length.toString(36);
}
