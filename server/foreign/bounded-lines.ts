// Splits a byte stream into lines with a bound on each: readline would buffer a line without end
// (a node that prints megabytes without a newline would take the server's memory with it). A line
// over the bound is skipped to its newline and reported once, by its length so far.

export interface LineSink {
  line(text: string): void;
  /** A line longer than the bound was thrown away (its first `prefix` characters kept for the card). */
  overlong(bytes: number, prefix: string): void;
}

export class BoundedLines {
  private parts: Buffer[] = [];
  private length = 0;
  /** Inside a line already over the bound: drop bytes until its newline. */
  private skipping = 0;
  private skippedPrefix = '';

  constructor(
    private readonly maxBytes: number,
    private readonly sink: LineSink,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline === -1) return;
      this.finish();
      start = newline + 1;
    }
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipping > 0) {
      this.skipping += piece.length;
      return;
    }
    if (this.length + piece.length > this.maxBytes) {
      this.skippedPrefix = Buffer.concat([...this.parts, piece]).subarray(0, 80).toString('utf8');
      this.skipping = this.length + piece.length;
      this.parts = [];
      this.length = 0;
      return;
    }
    this.parts.push(piece);
    this.length += piece.length;
  }

  private finish(): void {
    if (this.skipping > 0) {
      this.sink.overlong(this.skipping, this.skippedPrefix);
      this.skipping = 0;
      return;
    }
    const text = this.parts.length === 1 ? this.parts[0]!.toString('utf8') : Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.length = 0;
    if (text.trim() !== '') this.sink.line(text);
  }
}

/** The last `maxBytes` of a stream (a node's stderr), for its card when it crashes. */
export class StreamTail {
  private text = '';

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.maxBytes);
  }

  get value(): string {
    return this.text;
  }

  /** The last few lines, trimmed, for one line of a card. */
  lastLines(count: number): string {
    return this.text.trimEnd().split('\n').slice(-count).join('\n');
  }
}
