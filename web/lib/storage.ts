// IndexedDB (idb-keyval): saved recordings and the person's preferences, each in its own store so
// listing recordings never loads every event of every recording.
import { createStore, del, entries, get, set } from 'idb-keyval';
import type { Recording } from '../../shared/protocol/recording.ts';

const recordingStore = createStore('raftlab-recordings', 'recordings');
const indexStore = createStore('raftlab-recording-index', 'index');
const prefStore = createStore('raftlab-preferences', 'preferences');

export interface RecordingSummary {
  readonly id: string;
  readonly name: string;
  readonly savedAt: string;
  readonly cluster: string;
  readonly events: number;
  /** Virtual ms covered. */
  readonly duration: number;
}

function summarize(id: string, recording: Recording): RecordingSummary {
  const first = recording.start.clock.now;
  const last = recording.events.at(-1)?.time ?? first;
  return { id, name: recording.name, savedAt: recording.savedAt, cluster: recording.cluster, events: recording.events.length, duration: last - first };
}

export async function saveRecording(recording: Recording): Promise<RecordingSummary> {
  const id = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  await set(id, recording, recordingStore);
  const summary = summarize(id, recording);
  await set(id, summary, indexStore);
  return summary;
}

export async function listRecordings(): Promise<RecordingSummary[]> {
  const all = await entries<string, RecordingSummary>(indexStore);
  return all.map(([, summary]) => summary).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export async function loadRecording(id: string): Promise<Recording | undefined> {
  return get<Recording>(id, recordingStore);
}

export async function renameRecording(id: string, name: string): Promise<void> {
  const recording = await loadRecording(id);
  if (!recording) return;
  const renamed = { ...recording, name };
  await set(id, renamed, recordingStore);
  await set(id, summarize(id, renamed), indexStore);
}

export async function deleteRecording(id: string): Promise<void> {
  await del(id, recordingStore);
  await del(id, indexStore);
}

export async function loadPreference<T>(name: string): Promise<T | undefined> {
  return get<T>(name, prefStore);
}

export async function savePreference(name: string, value: unknown): Promise<void> {
  await set(name, value, prefStore);
}
