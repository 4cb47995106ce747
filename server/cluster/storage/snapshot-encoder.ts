// Encodes a captured KV store for a snapshot a slice at a time, so a node keeps stepping Raft while
// a large store (16,000 keys with 10 versions each is ~26 MB of text) becomes a snapshot. Done in
// one go, the encoding, checksum and escaping took the node 300–500 ms during which it committed
// nothing; as the leader, that stopped the whole cluster.
//
// It produces everything the snapshot needs: the text the Raft core keeps (and sends to a follower
// that fell behind), and the file's payload already prepared (snapshots.ts): the data's UTF-8
// bytes in chunks, and their CRC-32C.
import { snapshotPieces, type SnapshotImage } from '../../../shared/kv/snapshot.ts';
import { crc32c } from './crc32c.ts';
import type { PreparedSnapshotData } from './snapshots.ts';

/** Text per chunk: big enough that per-chunk costs vanish, small enough to fit a slice. */
const CHUNK_CHARS = 64 * 1024;

export interface EncodedSnapshot {
  /** The applied index of the captured store: the snapshot's index. */
  readonly index: number;
  readonly text: string;
  readonly prepared: PreparedSnapshotData;
}

export class SnapshotEncoder {
  readonly index: number;
  private readonly pieces: Generator<string, void, undefined>;
  private group: string[] = [];
  private groupChars = 0;
  private readonly texts: string[] = [];
  private readonly chunks: Buffer[] = [];
  private crc = 0;
  private result: EncodedSnapshot | null = null;

  constructor(image: SnapshotImage) {
    this.index = image.appliedIndex;
    this.pieces = snapshotPieces(image);
  }

  /** The finished snapshot, or null while there is more to encode. */
  get done(): EncodedSnapshot | null {
    return this.result;
  }

  /**
   * Encodes until the clock passes `deadline` (checked every few keys, so a slice overshoots by
   * microseconds) or the text is complete. Returns the finished snapshot, or null if more remains.
   */
  step(deadline: number, now: () => number = () => performance.now()): EncodedSnapshot | null {
    if (this.result) return this.result;
    for (let n = 1; ; n++) {
      const next = this.pieces.next();
      if (next.done) return this.finish();
      this.group.push(next.value);
      this.groupChars += next.value.length;
      if (this.groupChars >= CHUNK_CHARS) this.seal();
      if (n % 32 === 0 && now() >= deadline) return null;
    }
  }

  private seal(): void {
    if (this.group.length === 0) return;
    // Pieces are whole JSON tokens, so a chunk never splits a character (or a surrogate pair).
    const text = this.group.join('');
    this.group = [];
    this.groupChars = 0;
    this.texts.push(text);
    const bytes = Buffer.from(text, 'utf8');
    this.crc = crc32c(bytes, this.crc);
    this.chunks.push(bytes);
  }

  private finish(): EncodedSnapshot {
    this.seal();
    this.result = { index: this.index, text: this.texts.join(''), prepared: { chunks: this.chunks, crc32c: this.crc } };
    this.texts.length = 0; // the joined text is what is kept
    return this.result;
  }
}
