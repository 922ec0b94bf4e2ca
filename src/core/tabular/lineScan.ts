/**
 * Walks two versions of a CSV/TSV/JSON Lines file side by side and hands the matcher only the
 * rows that differ. Stretches that are byte-identical on both sides are skipped in bulk: compared
 * with memcmp in growing blocks, cut at the last record boundary, their records counted (4 bytes
 * at a time, or by quote parity where quotes may hide newlines) — never split into fields. After a
 * difference, by key, the next rows of both sides are looked ahead to find where they line up
 * again (an inserted or deleted run of rows), so skipping can resume.
 */
import { type LineTable, nextRecord } from './lineTable.js';
import type { Matcher, PendingRow } from './matcher.js';
import type { TableProblem } from './model.js';
import { countNewlines, type RecordReader } from './records.js';

const LOOKAHEAD = 32;
const FIRST_BLOCK = 4096;
/** Skip only once a side's window holds this much (or the file ends), so blocks are worth it. */
const MIN_WINDOW = 1 << 16;

interface Rec {
  readonly line: number;
  readonly bytes: Buffer;
}

class Side {
  readonly queue: Rec[] = [];
  constructor(
    readonly table: LineTable,
    readonly key: string | undefined,
  ) {}

  get reader(): RecordReader {
    return this.table.reader;
  }

  /** The next record, copied out of the window. */
  async take(): Promise<Rec | undefined> {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (!(await nextRecord(this.reader))) return undefined;
    const r = this.reader;
    return { line: r.recordLine, bytes: Buffer.from(r.buffer.subarray(r.recordStart, r.recordEnd)) };
  }

  async peek(count: number): Promise<Rec[]> {
    while (this.queue.length < count) {
      if (!(await nextRecord(this.reader))) break;
      const r = this.reader;
      this.queue.push({ line: r.recordLine, bytes: Buffer.from(r.buffer.subarray(r.recordStart, r.recordEnd)) });
    }
    return this.queue.slice(0, count);
  }

  /** Reports a record that is no row; true when it was one. */
  malformed(rec: Rec, side: 'before' | 'after', problems: TableProblem[]): boolean {
    const why = this.table.invalid(rec.bytes.toString('utf8'));
    if (why !== undefined) problems.push({ side, line: rec.line, message: why });
    return why !== undefined;
  }

  dropMalformed(side: 'before' | 'after', problems: TableProblem[]): void {
    const kept = this.queue.filter((rec) => !this.malformed(rec, side, problems));
    this.queue.splice(0, this.queue.length, ...kept);
  }

  pending(rec: Rec): PendingRow {
    const text = rec.bytes.toString('utf8');
    return { line: rec.line, key: this.key === undefined ? '' : this.table.keyOf(this.table.parse(text), this.key), text };
  }
}

export interface ScanOptions {
  readonly mode: 'key' | 'position';
  readonly key?: string;
  /** Whether equal bytes mean equal rows (same format and header): else every row is compared by value. */
  readonly byteComparable: boolean;
  readonly signal?: AbortSignal;
}

export async function scanLines(before: LineTable, after: LineTable, matcher: Matcher, options: ScanOptions): Promise<{ rowsBefore: number; rowsAfter: number; problems: TableProblem[] }> {
  const a = new Side(before, options.key);
  const b = new Side(after, options.key);
  const quoted = before.format !== 'jsonl';
  let rowsBefore = 0;
  let rowsAfter = 0;
  const problems: TableProblem[] = [];
  /** By key, the side whose rows the other side had earlier (a block moved or deleted): read alone. */
  let behind: Side | undefined;
  for (let step = 0; ; step++) {
    if (step % 1024 === 0) {
      options.signal?.throwIfAborted();
      await matcher.drain();
    }
    if (behind) {
      const ahead = behind === a ? b : a;
      const sideName = behind === a ? 'before' : 'after';
      const [next] = await behind.peek(1);
      const [theirs] = await ahead.peek(1);
      // Caught up when both sides read the same record next (or this side ran out, or nothing waits).
      if (!next || (theirs && next.bytes.equals(theirs.bytes)) || matcher.waitingRows(sideName === 'before' ? 'after' : 'before') === 0) {
        behind = undefined;
        continue;
      }
      behind.queue.shift();
      if (behind.malformed(next, sideName, problems)) continue;
      if (behind === a) rowsBefore++;
      else rowsAfter++;
      if (!matcher.row(sideName, behind.pending(next))) behind = undefined;
      continue;
    }
    if (options.byteComparable && a.queue.length === 0 && b.queue.length === 0) {
      const skipped = await skipIdentical(a.reader, b.reader, quoted);
      matcher.identical(skipped);
      rowsBefore += skipped;
      rowsAfter += skipped;
    }
    const x = await a.take();
    const y = await b.take();
    if (!x && !y) break;
    if (x && y && options.byteComparable && x.bytes.equals(y.bytes)) {
      matcher.identical(1);
      rowsBefore++;
      rowsAfter++;
      continue;
    }
    // A malformed record is no row (as pandas' on_bad_lines='skip'): reported, and the other side waits.
    if (x && a.malformed(x, 'before', problems)) {
      if (y) b.queue.unshift(y);
      continue;
    }
    if (y && b.malformed(y, 'after', problems)) {
      if (x) a.queue.unshift(x);
      continue;
    }
    if (x) rowsBefore++;
    if (y) rowsAfter++;
    if (!x || !y) {
      if (x) matcher.row('before', a.pending(x));
      if (y) matcher.row('after', b.pending(y));
      continue;
    }
    if (options.mode === 'position') {
      matcher.pair(a.pending(x), b.pending(y));
      continue;
    }
    const counted = await realign(a, b, x, y, matcher, options.byteComparable, problems);
    rowsBefore += counted.before;
    rowsAfter += counted.after;
    if (counted.behind) behind = counted.behind === 'before' ? a : b;
  }
  return { rowsBefore, rowsAfter, problems };
}

/**
 * By key, after x ≠ y: the nearest pair of equal records in the next rows of both sides (x and y
 * included); the rows before it on each side are differing rows, the pair itself is identical.
 * Returns how many rows beyond x and y it consumed.
 */
async function realign(a: Side, b: Side, x: Rec, y: Rec, matcher: Matcher, byteComparable: boolean, problems: TableProblem[]): Promise<{ before: number; after: number; behind?: 'before' | 'after' }> {
  let best: [number, number] | undefined;
  let left: Rec[] = [];
  let right: Rec[] = [];
  // Most differences are a changed row: the very next rows agree. Look further only when they do not.
  for (const window of [2, LOOKAHEAD]) {
    await a.peek(window - 1);
    await b.peek(window - 1);
    a.dropMalformed('before', problems);
    b.dropMalformed('after', problems);
    left = [x, ...a.queue.slice(0, window - 1)];
    right = [y, ...b.queue.slice(0, window - 1)];
    if (byteComparable) best = nearestPair(left, right);
    if (best) break;
  }
  const [i, j] = best ?? [left.length, right.length];
  // x and y are taken already; the others leave the queues as they are consumed.
  let metBefore = 0;
  let metAfter = 0;
  for (let k = 0; k < i; k++) if (matcher.row('before', a.pending(k === 0 ? x : a.queue.shift()!))) metBefore++;
  for (let k = 0; k < j; k++) if (matcher.row('after', b.pending(k === 0 ? y : b.queue.shift()!))) metAfter++;
  if (best) {
    if (i > 0) a.queue.shift();
    if (j > 0) b.queue.shift();
    matcher.identical(1);
  }
  const consumed = (n: number, matched: boolean): number => Math.max(0, n - 1) + (matched && n > 0 ? 1 : 0);
  // No pair in sight, and one side's rows were all waited for by the other: that side is behind.
  const behind = best ? undefined : metBefore === i && metAfter === 0 ? 'before' : metAfter === j && metBefore === 0 ? 'after' : undefined;
  return { before: consumed(i, best !== undefined), after: consumed(j, best !== undefined), ...(behind ? { behind } : {}) };
}

/** The equal pair (i, j) of two windows with the smallest i + j. */
function nearestPair(left: readonly Rec[], right: readonly Rec[]): [number, number] | undefined {
  let best: [number, number] | undefined;
  if (left.length <= 2 && right.length <= 2) {
    left.forEach((l, i) => right.forEach((r, j) => (!best || i + j < best[0] + best[1]) && l.bytes.equals(r.bytes) && (best = [i, j])));
    return best;
  }
  const at = new Map<string, number>();
  right.forEach((r, j) => at.has(r.bytes.toString('latin1')) || at.set(r.bytes.toString('latin1'), j));
  left.forEach((r, i) => {
    const j = at.get(r.bytes.toString('latin1'));
    if (j !== undefined && (!best || i + j < best[0] + best[1])) best = [i, j];
  });
  return best;
}

/** Skips the records both readers have byte for byte; returns how many. */
async function skipIdentical(a: RecordReader, b: RecordReader, quoted: boolean): Promise<number> {
  let skipped = 0;
  for (;;) {
    if (a.end - a.start < MIN_WINDOW && !a.done) await a.fill();
    if (b.end - b.start < MIN_WINDOW && !b.done) await b.fill();
    const available = Math.min(a.end - a.start, b.end - b.start);
    if (available === 0) return skipped;
    const equal = commonPrefix(a, b, available);
    const cut = lastBoundary(a.buffer, a.start, a.start + equal, quoted);
    if (cut === undefined) return skipped;
    const bytes = cut.end - a.start;
    a.skip(bytes, cut.lines);
    b.skip(bytes, cut.lines);
    skipped += cut.records;
    if (equal < available) return skipped;
  }
}

/** Length of the equal prefix of both windows (up to `limit`), in growing memcmp blocks. */
function commonPrefix(a: RecordReader, b: RecordReader, limit: number): number {
  let done = 0;
  let block = FIRST_BLOCK;
  while (done < limit) {
    const size = Math.min(block, limit - done);
    if (a.buffer.compare(b.buffer, b.start + done, b.start + done + size, a.start + done, a.start + done + size) === 0) {
      done += size;
      block *= 2;
      continue;
    }
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (a.buffer.compare(b.buffer, b.start + done, b.start + done + mid, a.start + done, a.start + done + mid) === 0) lo = mid;
      else hi = mid;
    }
    return done + lo;
  }
  return done;
}

/** The end (after its newline) of the last whole record in [start, end), with counts; undefined if none. */
function lastBoundary(buffer: Buffer, start: number, end: number, quoted: boolean): { end: number; lines: number; records: number } | undefined {
  const last = end > start ? buffer.lastIndexOf(0x0a, end - 1) : -1;
  if (last < start) return undefined;
  const quote = quoted ? buffer.indexOf(0x22, start) : -1;
  if (quote < 0 || quote > last) {
    const lines = countNewlines(buffer, start, last + 1);
    return { end: last + 1, lines, records: lines };
  }
  // Quotes may hold newlines: walk them, counting only the newlines outside quotes as record ends.
  let open = false;
  let lines = 0;
  let records = 0;
  let boundary: { end: number; lines: number; records: number } | undefined;
  for (let i = start; i <= last; i++) {
    const c = buffer[i];
    if (c === 0x22) open = !open;
    else if (c === 0x0a) {
      lines++;
      if (!open) {
        records++;
        boundary = { end: i + 1, lines, records };
      }
    }
  }
  return boundary;
}
