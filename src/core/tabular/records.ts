/**
 * A file read as records in fixed-size windows, never whole: a record is a line, or for CSV/TSV
 * the lines a quoted field spans (a newline inside `"…"` does not end it). `next()` is synchronous
 * and says `NEED_MORE` when the window holds no whole record; `fill()` reads the next slice.
 * Byte offsets are kept, so a record can be read again later by position (`readAt`).
 */
import type { FileHandle } from 'node:fs/promises';

export const NEED_MORE = -1;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CR = 0x0d;

export class RecordTooLongError extends Error {}

export interface RecordReaderOptions {
  /** Whether `"` quotes may hold newlines (CSV/TSV; not JSON Lines). */
  readonly quoted: boolean;
  /** Bytes read at a time. */
  readonly chunk?: number;
  /** The longest record accepted (a hostile file cannot make the window grow without end). */
  readonly maxRecord?: number;
}

export class RecordReader {
  /** The window: bytes [start, end) of `buffer` are unread; `buffer[0]` is at file offset `base`. */
  buffer: Buffer;
  start = 0;
  end = 0;
  base = 0;
  /** 1-based line of the next record. */
  line = 1;
  /** Where the record `next()` returned lies (a subarray of the window, newline and CR cut). */
  recordStart = 0;
  recordEnd = 0;
  recordLine = 0;
  private eof = false;
  private quoteAt = 0;
  private quoteSearchedFrom = Number.POSITIVE_INFINITY;
  private readonly chunk: number;
  private readonly maxRecord: number;

  constructor(
    private readonly file: FileHandle,
    private readonly options: RecordReaderOptions,
  ) {
    this.chunk = options.chunk ?? 1 << 20;
    this.maxRecord = options.maxRecord ?? 64 << 20;
    // Its own ArrayBuffer, 4-byte aligned: countNewlines reads it 32 bits at a time.
    this.buffer = Buffer.from(new ArrayBuffer(this.chunk * 2));
  }

  get done(): boolean {
    return this.eof && this.start >= this.end;
  }

  /** File offset of the next unread byte. */
  get position(): number {
    return this.base + this.start;
  }

  /** Reads the next slice into the window; false at the end of the file. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    if (this.start > 0) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    if (this.buffer.length - this.end < this.chunk) {
      if (this.buffer.length >= this.maxRecord + this.chunk) throw new RecordTooLongError(`a record at line ${this.line} is longer than ${this.maxRecord} bytes`);
      const bigger = Buffer.from(new ArrayBuffer(this.buffer.length * 2));
      this.buffer.copy(bigger, 0, 0, this.end);
      this.buffer = bigger;
    }
    const { bytesRead } = await this.file.read(this.buffer, this.end, this.buffer.length - this.end, this.base + this.end);
    this.quoteSearchedFrom = Number.POSITIVE_INFINITY;
    if (bytesRead === 0) this.eof = true;
    this.end += bytesRead;
    return true;
  }

  /**
   * The next record into recordStart/recordEnd/recordLine; its length (≥ 0), or NEED_MORE when
   * the window ends inside a record (call `fill()`), or NEED_MORE with `done` at the end.
   */
  next(): number {
    const buffer = this.buffer;
    let from = this.start;
    let lines = 0;
    let open = false;
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, from);
      const stop = newline < 0 || newline >= this.end ? this.end : newline;
      if (this.options.quoted) {
        let quote = this.quoteFrom(from);
        while (quote < stop) {
          open = !open;
          quote = this.quoteFrom(quote + 1);
        }
      }
      if (stop === this.end) {
        if (!this.eof) return NEED_MORE;
        if (this.start >= this.end) return NEED_MORE;
        return this.take(this.end, this.end, lines);
      }
      lines++;
      if (!open) return this.take(stop, stop + 1, lines);
      from = stop + 1;
    }
  }

  /** The next quote at or after `from` in the window (`end` when none), remembered between calls. */
  private quoteFrom(from: number): number {
    if (this.quoteSearchedFrom <= from && (this.quoteAt >= from || this.quoteAt === this.end)) return this.quoteAt;
    const found = this.buffer.indexOf(QUOTE, from);
    this.quoteAt = found < 0 || found >= this.end ? this.end : found;
    this.quoteSearchedFrom = from;
    return this.quoteAt;
  }

  private take(stop: number, after: number, lines: number): number {
    this.recordStart = this.start;
    this.recordEnd = stop > this.start && this.buffer[stop - 1] === CR ? stop - 1 : stop;
    this.recordLine = this.line;
    this.line += Math.max(lines, 1);
    this.start = after;
    return this.recordEnd - this.recordStart;
  }

  /** Skips `bytes` the caller knows hold exactly `records` whole records on `lines` lines. */
  skip(bytes: number, lines: number): void {
    this.start += bytes;
    this.line += lines;
  }

  /** Bytes [offset, offset + length) of the file, read anew (for a record seen earlier). */
  async readAt(offset: number, length: number): Promise<Buffer> {
    const out = Buffer.alloc(length);
    const { bytesRead } = await this.file.read(out, 0, length, offset);
    return out.subarray(0, bytesRead);
  }
}

/** Newlines in buffer[start, end), 4 bytes at a time where aligned. */
export function countNewlines(buffer: Buffer, start: number, end: number): number {
  let count = 0;
  let i = start;
  const absolute = buffer.byteOffset;
  while (i < end && (absolute + i) % 4 !== 0) if (buffer[i++] === NEWLINE) count++;
  const words = Math.floor((end - i) / 4);
  if (words > 0) {
    const view = new Uint32Array(buffer.buffer, absolute + i, words);
    for (let w = 0; w < words; w++) {
      const x = view[w]! ^ 0x0a0a0a0a;
      // Exact zero-byte flags (no borrow across bytes): 0x80 in each byte that was '\n'.
      const t = (((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) >>> 0;
      const zeros = ~(t | 0x7f7f7f7f) >>> 7;
      count += Math.imul(zeros, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < end) if (buffer[i++] === NEWLINE) count++;
  return count;
}
