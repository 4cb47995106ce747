// How a log entry and a KV value look to a person: one short line each. Shared by the worker
// runtime and the simulator, so a view built by either reads the same.
import type { Entry } from '../raft/types.ts';
import type { EntryView } from '../protocol/views.ts';

export function toEntryView(entry: Entry): EntryView {
  const base = { index: entry.index, term: entry.term, type: entry.type };
  if (entry.type === 'noop') return { ...base, summary: 'no-op' };
  if (entry.type === 'config') return { ...base, summary: `config ${entry.data.slice(0, 60)}` };
  try {
    const command = JSON.parse(entry.data) as { op?: unknown; key?: unknown; data?: unknown };
    // The value is a field of its own, never part of the summary: watchers see only its digest.
    if (command.op === 'put' && typeof command.key === 'string') return { ...base, summary: `put ${command.key}`, value: showValue(command.data) };
    if (command.op === 'delete' && typeof command.key === 'string') return { ...base, summary: `delete ${command.key}` };
    if (command.op === 'restore') return { ...base, summary: 'restore a snapshot image' };
  } catch {
    // Not a KV command: not JSON, so nothing a client wrote; shown as it is below.
  }
  return { ...base, summary: `unreadable entry (${entry.data.length} bytes)` };
}

/** The lab's form writes {value: "..."}; show that as the plain string, anything else as JSON. */
export function showValue(data: unknown): string {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && typeof record['value'] === 'string') return record['value'];
  }
  const text = JSON.stringify(data) ?? 'null';
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
