// How a log entry and a KV value look to a person: one short line each. Shared by the worker
// runtime and the simulator, so a view built by either reads the same.
import type { Entry } from '../raft/types.ts';
import type { EntryView } from '../protocol/views.ts';

export function toEntryView(entry: Entry): EntryView {
  return { index: entry.index, term: entry.term, type: entry.type, summary: summarizeEntry(entry) };
}

function summarizeEntry(entry: Entry): string {
  if (entry.type === 'noop') return 'no-op';
  if (entry.type === 'config') return `config ${entry.data.slice(0, 60)}`;
  try {
    const command = JSON.parse(entry.data) as { op?: unknown; key?: unknown; data?: unknown };
    if (command.op === 'put' && typeof command.key === 'string') return `put ${command.key} = ${showValue(command.data)}`;
    if (command.op === 'delete' && typeof command.key === 'string') return `delete ${command.key}`;
  } catch {
    // Not JSON: show the raw text below.
  }
  return entry.data.slice(0, 60);
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
