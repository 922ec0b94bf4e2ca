/**
 * A streaming tokenizer for delimited text as pandas' C parser reads it by default: '"' quotes
 * (doubled inside a quoted field), newlines inside quotes, \n, \r\n or \r line ends, blank lines
 * skipped. Fields are handed over as byte ranges of the current chunk, so numbers are parsed
 * without building strings.
 */
import { TableReadError } from './read';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface FieldSink {
  /** One field of the current row; `escaped`: a quoted field with doubled quotes inside. */
  field(index: number, buffer: Buffer, start: number, end: number, quoted: boolean, escaped: boolean): void;
  /** The row ended after `fields` fields; it started on 1-based `line`. */
  endRow(fields: number, line: number): void;
}

/** Rows longer than this (a quote never closed, most likely) stop the read with an error. */
const MAX_ROW_BYTES = 64 * 1024 * 1024;

export class DelimitedTokenizer {
  private carry: Buffer | undefined;
  private line = 1;

  constructor(
    private readonly delimiter: number,
    private readonly sink: FieldSink,
  ) {}

  /** Tokenizes every complete row of `chunk` (after what was left over from the last one). */
  push(chunk: Buffer): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const consumed = this.rows(data, false);
    this.carry = consumed < data.length ? Buffer.from(data.subarray(consumed)) : undefined;
    if (this.carry && this.carry.length > MAX_ROW_BYTES) {
      throw new TableReadError('too-long-line', `line ${this.line} is longer than ${MAX_ROW_BYTES / 2 ** 20} MB (an unclosed quote?)`);
    }
  }

  /** The last row, which may have no line end. */
  end(): void {
    if (this.carry) this.rows(this.carry, true);
    this.carry = undefined;
  }

  /** Tokenizes rows from `data`; returns how many bytes complete rows took. */
  private rows(data: Buffer, final: boolean): number {
    let position = 0;
    const length = data.length;
    const delimiter = this.delimiter;
    const sink = this.sink;
    while (position < length) {
      const rowStart = position;
      const rowLine = this.line;
      let index = 0;
      let lines = 0;
      let complete = false;
      // A blank line is skipped, as pandas does.
      if (data[position] === LF || data[position] === CR) {
        const next = data[position] === CR && data[position + 1] === LF ? position + 2 : position + 1;
        if (data[position] === CR && position + 1 === length && !final) return rowStart;
        this.line++;
        position = next;
        continue;
      }
      for (;;) {
        let start = position;
        let end: number;
        let quoted = false;
        let escaped = false;
        if (data[position] === QUOTE) {
          quoted = true;
          position++;
          start = position;
          for (;;) {
            const close = data.indexOf(QUOTE, position);
            if (close === -1) {
              if (!final) return rowStart;
              position = length;
              break;
            }
            if (data[close + 1] === QUOTE) {
              escaped = true;
              position = close + 2;
              continue;
            }
            if (close + 1 === length && !final) return rowStart;
            position = close + 1;
            break;
          }
          end = Math.max(start, position - 1);
          for (let i = start; i < end; i++) if (data[i] === LF) lines++;
          // Text after the closing quote is kept, as the C parser does ("a"b -> ab): rare; dropped here.
          while (position < length && data[position] !== delimiter && data[position] !== LF && data[position] !== CR) position++;
        } else {
          while (position < length) {
            const byte = data[position]!;
            if (byte === delimiter || byte === LF || byte === CR) break;
            position++;
          }
          end = position;
        }
        if (position >= length && !final) return rowStart;
        sink.field(index++, data, start, end, quoted, escaped);
        if (position >= length) {
          complete = true;
          break;
        }
        const byte = data[position]!;
        if (byte === delimiter) {
          position++;
          if (position >= length) {
            if (!final) return rowStart;
            sink.field(index++, data, position, position, false, false);
            complete = true;
            break;
          }
          continue;
        }
        if (byte === CR) {
          if (position + 1 >= length && !final) return rowStart;
          position += data[position + 1] === LF ? 2 : 1;
        } else {
          position++;
        }
        lines++;
        complete = true;
        break;
      }
      if (complete) {
        sink.endRow(index, rowLine);
        this.line += lines;
      }
    }
    return position;
  }
}

/** The text of a field's bytes, quotes undoubled. */
export function fieldText(buffer: Buffer, start: number, end: number, escaped: boolean): string {
  const text = buffer.toString('utf8', start, end);
  return escaped ? text.replaceAll('""', '"') : text;
}
