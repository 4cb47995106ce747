// WAL record framing: how one record is laid out in a segment file, and how to read it back.
//
// On-disk frame (all integers little-endian):
//
//   offset 0  u32  length   number of payload bytes (NOT counting the 9-byte header)
//   offset 4  u32  crc      CRC-32C over [type byte + payload]
//   offset 8  u8   type     1 = entry, 2 = truncate, 3 = commit, 4 = snapshot (see RecordType)
//   offset 9  ...  payload  UTF-8 JSON (shapes below)
//
// Payloads:
//   entry     {"index":7,"term":2,"type":"normal","data":"..."}   one Raft log entry
//   truncate  {"from":6}                 entries with index >= 6 written earlier are void;
//                                        the entries that follow in the log replace them
//   commit    {"commit":5}               latest known commit index (clamped to the log on open)
//   snapshot  {"index":100,"term":3,"keep":false}
//                                        a snapshot was installed: entries <= index are gone; if
//                                        keep is false the whole log was discarded (the log did
//                                        not contain index/term), so replay forgets every entry
//                                        seen so far. Recording the decision (rather than
//                                        re-deriving it) keeps replay correct after old segments
//                                        are deleted.
//
// Why the CRC covers the type byte too: a flipped type bit must not turn an entry into another
// record kind. The length is not covered directly; a damaged length makes the CRC run over the
// wrong bytes and fail. Type 0 is never written, so a header of nine zero bytes identifies a
// zero-filled tail (what a filesystem can leave after a crash that extended the file but lost
// the data). JSON.stringify escapes U+0000, so payloads never contain a 0x00 byte; since every
// real header of a payload under 16 MiB does contain one, a "valid frame" cannot be conjured out
// of payload text when recovery scans for data beyond a damaged record.

import type { Entry, EntryType } from '../../../shared/raft/types.ts';
import { crc32c } from './crc32c.ts';

export const HEADER_BYTES = 9;
/** Upper bound on one payload; a larger length field is damage, not a record. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export const RecordType = { Entry: 1, Truncate: 2, Commit: 3, Snapshot: 4 } as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

export type WalRecord =
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'truncate'; readonly from: number }
  | { readonly kind: 'commit'; readonly commit: number }
  | { readonly kind: 'snapshot'; readonly index: number; readonly term: number; readonly keep: boolean };

function typeCode(record: WalRecord): RecordTypeCode {
  switch (record.kind) {
    case 'entry':
      return RecordType.Entry;
    case 'truncate':
      return RecordType.Truncate;
    case 'commit':
      return RecordType.Commit;
    case 'snapshot':
      return RecordType.Snapshot;
  }
}

function payloadJson(record: WalRecord): string {
  switch (record.kind) {
    case 'entry': {
      const e = record.entry;
      // Fixed key order and only the four contract fields, whatever extra the caller's object has.
      return JSON.stringify({ index: e.index, term: e.term, type: e.type, data: e.data });
    }
    case 'truncate':
      return JSON.stringify({ from: record.from });
    case 'commit':
      return JSON.stringify({ commit: record.commit });
    case 'snapshot':
      return JSON.stringify({ index: record.index, term: record.term, keep: record.keep });
  }
}

/** Encodes records into one contiguous buffer so a whole batch goes to disk in a single write. */
export function encodeRecords(records: readonly WalRecord[]): Buffer {
  const payloads = records.map((r) => Buffer.from(payloadJson(r), 'utf8'));
  let total = 0;
  for (const p of payloads) total += HEADER_BYTES + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  records.forEach((record, i) => {
    const payload = payloads[i]!;
    out.writeUInt32LE(payload.length, at);
    out.writeUInt8(typeCode(record), at + 8);
    payload.copy(out, at + HEADER_BYTES);
    out.writeUInt32LE(crc32c(out, 0, at + 8, at + HEADER_BYTES + payload.length), at + 4);
    at += HEADER_BYTES + payload.length;
  });
  return out;
}

export type FrameProblem = 'incomplete-header' | 'incomplete-record' | 'zero-fill' | 'bad-type' | 'too-large' | 'bad-crc';

export type FrameRead =
  | { readonly ok: true; readonly type: RecordTypeCode; readonly payload: Buffer; readonly end: number }
  | { readonly ok: false; readonly problem: FrameProblem; readonly detail: string };

function isRecordType(t: number): t is RecordTypeCode {
  return t >= RecordType.Entry && t <= RecordType.Snapshot;
}

/** Reads and verifies the frame that starts at `offset` (offset < buf.length). */
export function readFrame(buf: Buffer, offset: number): FrameRead {
  const remaining = buf.length - offset;
  if (remaining < HEADER_BYTES) {
    return { ok: false, problem: 'incomplete-header', detail: `only ${remaining} of ${HEADER_BYTES} header bytes present` };
  }
  const length = buf.readUInt32LE(offset);
  const crc = buf.readUInt32LE(offset + 4);
  const type = buf.readUInt8(offset + 8);
  if (length === 0 && crc === 0 && type === 0) {
    return { ok: false, problem: 'zero-fill', detail: 'zero bytes where a record header should be' };
  }
  if (!isRecordType(type)) return { ok: false, problem: 'bad-type', detail: `unknown record type ${type}` };
  if (length > MAX_PAYLOAD_BYTES) return { ok: false, problem: 'too-large', detail: `length field ${length} exceeds the maximum` };
  const end = offset + HEADER_BYTES + length;
  if (end > buf.length) {
    return { ok: false, problem: 'incomplete-record', detail: `record needs ${length} payload bytes, ${remaining - HEADER_BYTES} present` };
  }
  const actual = crc32c(buf, 0, offset + 8, end);
  if (actual !== crc) {
    return { ok: false, problem: 'bad-crc', detail: `CRC-32C mismatch (stored 0x${hex(crc)}, computed 0x${hex(actual)})` };
  }
  return { ok: true, type, payload: buf.subarray(offset + HEADER_BYTES, end), end };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * The offset of the first position >= `from` where a complete frame with a valid CRC starts, or
 * -1. Recovery uses it to tell a torn tail (nothing valid after the damage) from a damaged record
 * in the middle (valid data follows, so truncating would throw away durable, acknowledged records).
 * Most positions are rejected by the length check alone, so this is cheap.
 */
export function findValidFrame(buf: Buffer, from: number): number {
  for (let p = from; p + HEADER_BYTES <= buf.length; p++) {
    const length = buf.readUInt32LE(p);
    if (length > buf.length - p - HEADER_BYTES) continue;
    if (!isRecordType(buf.readUInt8(p + 8))) continue;
    if (crc32c(buf, 0, p + 8, p + HEADER_BYTES + length) === buf.readUInt32LE(p + 4)) return p;
  }
  return -1;
}

const ENTRY_TYPES: ReadonlySet<string> = new Set<EntryType>(['normal', 'noop', 'config']);

function isIndex(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

/**
 * Decodes a CRC-verified payload. Returns a reason string when the shape is wrong: with a good
 * CRC that means a writer bug or deliberate tampering, never a torn write, so the caller treats
 * it as corruption wherever it is.
 */
export function decodeRecord(type: RecordTypeCode, payload: Buffer): WalRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return `payload is not JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'payload is not a JSON object';
  const o = value as Record<string, unknown>;
  switch (type) {
    case RecordType.Entry: {
      if (!isIndex(o.index, 1)) return 'entry.index must be an integer >= 1';
      if (!isIndex(o.term, 0)) return 'entry.term must be an integer >= 0';
      if (typeof o.type !== 'string' || !ENTRY_TYPES.has(o.type)) return 'entry.type must be normal, noop or config';
      if (typeof o.data !== 'string') return 'entry.data must be a string';
      return { kind: 'entry', entry: { index: o.index, term: o.term, type: o.type as EntryType, data: o.data } };
    }
    case RecordType.Truncate:
      return isIndex(o.from, 1) ? { kind: 'truncate', from: o.from } : 'truncate.from must be an integer >= 1';
    case RecordType.Commit:
      return isIndex(o.commit, 0) ? { kind: 'commit', commit: o.commit } : 'commit.commit must be an integer >= 0';
    case RecordType.Snapshot:
      if (!isIndex(o.index, 1) || !isIndex(o.term, 0) || typeof o.keep !== 'boolean') {
        return 'snapshot record needs integer index >= 1, integer term >= 0 and boolean keep';
      }
      return { kind: 'snapshot', index: o.index, term: o.term, keep: o.keep };
  }
}
