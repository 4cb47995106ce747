// The replicated state machine: a versioned key-value store with Vault KV v2 semantics.
// apply() is a pure function of (state, entry text): every replica that applies the same log
// reaches the same state, which is what the State Machine Safety checker compares.
import { decodeCommand, KvCommandError, type KvCommand, type KvDelete, type KvPut } from './commands.ts';
import { MAX_KEY_VERSION, MAX_KEYS, MAX_VERSIONS_PER_KEY } from './limits.ts';
import type { KvApplyResult, KvSessionResult } from './results.ts';
import { SessionTable } from './sessions.ts';
import { decodeSnapshot, deepFreeze, encodeSnapshot, type KeyRecord, type SnapshotImage } from './snapshot.ts';

/** One version of a key as a reader sees it. */
export interface KvEntry {
  /** null when this version is (soft-)deleted. Frozen: do not mutate. */
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly version: number;
  /** When this version was written. */
  readonly createdTime: number;
  /** When the key last changed (any version written or deleted). */
  readonly updatedTime: number;
  readonly deletionTime: number | null;
  readonly deleted: boolean;
}

/** Vault KV v2 metadata (camelCase; see vault.ts for the wire form). */
export interface KvMetadata {
  readonly key: string;
  readonly currentVersion: number;
  readonly oldestVersion: number;
  readonly maxVersions: number;
  readonly createdTime: number;
  readonly updatedTime: number;
  readonly versions: Readonly<Record<string, KvVersionMetadata>>;
}

export interface KvVersionMetadata {
  readonly createdTime: number;
  readonly deletionTime: number | null;
  readonly destroyed: boolean;
}

export class KvApplyOrderError extends Error {
  override readonly name = 'KvApplyOrderError';
}

export class KvStore {
  private keysByName: Map<string, KeyRecord>;
  private readonly sessions: SessionTable;
  private lastApplied: number;

  constructor() {
    this.keysByName = new Map();
    this.sessions = new SessionTable();
    this.lastApplied = 0;
  }

  /** Index of the last log entry applied (or skipped as carrying no KV command). */
  get appliedIndex(): number {
    return this.lastApplied;
  }

  /** Number of keys, including soft-deleted ones (Vault still lists them). */
  get size(): number {
    return this.keysByName.size;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Applies the committed entry at `index`. Never throws for bad entry text (a malformed command in
   * the log must not crash every replica); it throws only when the host applies out of order.
   */
  apply(index: number, data: string): KvApplyResult {
    this.advanceTo(index);
    let command: KvCommand;
    try {
      command = decodeCommand(data);
    } catch (error) {
      if (error instanceof KvCommandError) return { ok: false, code: 'invalid-command', message: error.message };
      throw error;
    }
    if (command.op === 'restore') return this.restoreImage(command.image);
    if (command.client === undefined || command.seq === undefined) return this.run(command);

    const seen = this.sessions.lookup(command.client, command.seq);
    if (seen.kind === 'duplicate') return { ...seen.result, duplicate: true };
    if (seen.kind === 'stale') {
      return { ok: false, code: 'stale-session', client: command.client, seq: command.seq, lastSeq: seen.lastSeq };
    }
    const result = this.run(command);
    this.sessions.record(command.client, command.seq, result);
    return result;
  }

  /** Marks an entry that carries no KV command (noop, config) as applied, so that ReadIndex
   *  reads waiting for `appliedIndex >= readIndex` are not stuck behind it. */
  skip(index: number): void {
    this.advanceTo(index);
  }

  /** The latest version of `key`, or a given version; undefined if absent or no longer kept. */
  get(key: string, version?: number): KvEntry | undefined {
    const record = this.keysByName.get(key);
    if (record === undefined) return undefined;
    const wanted = version === undefined || version === 0 ? record.currentVersion : version;
    const stored = record.versions.get(wanted);
    if (stored === undefined) return undefined;
    const deleted = stored.deletionTime !== null;
    return {
      data: deleted ? null : stored.data,
      version: wanted,
      createdTime: stored.createdTime,
      updatedTime: record.updatedTime,
      deletionTime: stored.deletionTime,
      deleted,
    };
  }

  metadata(key: string): KvMetadata | undefined {
    const record = this.keysByName.get(key);
    if (record === undefined) return undefined;
    const versions: Record<string, KvVersionMetadata> = {};
    let oldestVersion = record.currentVersion;
    for (const [version, v] of record.versions) {
      versions[String(version)] = { createdTime: v.createdTime, deletionTime: v.deletionTime, destroyed: false };
      oldestVersion = Math.min(oldestVersion, version);
    }
    return {
      key,
      currentVersion: record.currentVersion,
      oldestVersion,
      maxVersions: MAX_VERSIONS_PER_KEY,
      createdTime: record.createdTime,
      updatedTime: record.updatedTime,
      versions,
    };
  }

  /**
   * Vault's LIST: the immediate children of a folder, sorted; sub-folders end with "/".
   * `list('')` lists the top level; `list('app')` and `list('app/')` both list under "app/".
   */
  list(prefix: string): string[] {
    const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const children = new Set<string>();
    for (const key of this.keysByName.keys()) {
      if (!key.startsWith(folder)) continue;
      const rest = key.slice(folder.length);
      const slash = rest.indexOf('/');
      children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...children].sort();
  }

  /** Every full key path, sorted. */
  keys(): string[] {
    return [...this.keysByName.keys()].sort();
  }

  /** Serialises the whole state (keys, versions, sessions, applied index) to JSON text. */
  snapshot(): string {
    return encodeSnapshot(this.capture());
  }

  /**
   * The state as it is now, unaffected by later writes (records are replaced, never changed): a
   * shallow copy of the key map, so it costs milliseconds even for a store of tens of megabytes.
   * Encode it with encodeSnapshot or snapshotPieces.
   */
  capture(): SnapshotImage {
    return { appliedIndex: this.lastApplied, keys: new Map(this.keysByName), sessions: this.sessions.entries() };
  }

  /** Rebuilds a store from snapshot() text; throws KvSnapshotError if anything is malformed. */
  static restore(text: string): KvStore {
    const image = decodeSnapshot(text);
    const store = new KvStore();
    store.keysByName = image.keys;
    store.lastApplied = image.appliedIndex;
    for (const [client, record] of image.sessions) store.sessions.record(client, record.lastSeq, record.lastResult);
    return store;
  }

  private advanceTo(index: number): void {
    if (!Number.isSafeInteger(index) || index <= this.lastApplied) {
      throw new KvApplyOrderError(`entry ${index} applied after entry ${this.lastApplied}: entries must be applied once, in log order`);
    }
    this.lastApplied = index;
  }

  /** Replaces keys and sessions with the image's; the applied index stays this entry's. */
  private restoreImage(text: string): KvApplyResult {
    let image;
    try {
      image = decodeSnapshot(text);
    } catch (error) {
      return { ok: false, code: 'invalid-image', message: error instanceof Error ? error.message : String(error) };
    }
    this.keysByName = image.keys;
    this.sessions.clear();
    for (const [client, record] of image.sessions) this.sessions.record(client, record.lastSeq, record.lastResult);
    return { ok: true, op: 'restore', key: '', version: image.keys.size };
  }

  private run(command: KvPut | KvDelete): KvSessionResult {
    return command.op === 'put' ? this.put(command) : this.delete(command);
  }

  private put(command: KvPut): KvSessionResult {
    const { key, time } = command;
    const record = this.keysByName.get(key);
    const current = record?.currentVersion ?? 0;
    if (command.cas !== undefined) {
      // cas 0 means "create only": allowed if the key never existed or its latest version is deleted.
      const latestDeleted = record?.versions.get(current)?.deletionTime != null;
      const allowed = command.cas === 0 ? record === undefined || latestDeleted : command.cas === current;
      if (!allowed) return { ok: false, code: 'cas-mismatch', key, expected: command.cas, current };
    }
    // command.data was parsed from the entry text just now, so nobody else holds it.
    const data = deepFreeze(command.data);
    if (record === undefined) {
      if (this.keysByName.size >= MAX_KEYS) return { ok: false, code: 'store-full', key, limit: MAX_KEYS };
      this.keysByName.set(key, {
        createdTime: time,
        updatedTime: time,
        currentVersion: 1,
        versions: new Map([[1, { data, createdTime: time, deletionTime: null }]]),
      });
      return { ok: true, op: 'put', key, version: 1 };
    }
    if (current >= MAX_KEY_VERSION) return { ok: false, code: 'version-limit', key, limit: MAX_KEY_VERSION };
    const version = current + 1;
    const versions = new Map(record.versions);
    versions.set(version, { data, createdTime: time, deletionTime: null });
    versions.delete(version - MAX_VERSIONS_PER_KEY);
    this.keysByName.set(key, { createdTime: record.createdTime, updatedTime: time, currentVersion: version, versions });
    return { ok: true, op: 'put', key, version };
  }

  private delete(command: KvDelete): KvSessionResult {
    const { key, time } = command;
    const record = this.keysByName.get(key);
    if (record === undefined) return { ok: true, op: 'delete', key, version: 0 };
    const latest = record.versions.get(record.currentVersion);
    if (latest !== undefined && latest.deletionTime === null) {
      const versions = new Map(record.versions).set(record.currentVersion, { ...latest, deletionTime: time });
      this.keysByName.set(key, { ...record, updatedTime: time, versions });
    }
    return { ok: true, op: 'delete', key, version: record.currentVersion };
  }
}
