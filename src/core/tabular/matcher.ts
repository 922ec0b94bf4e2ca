/**
 * Counts and samples row changes from the rows a scan could not prove identical.
 *
 * By position, row n is paired with row n. By key, a differing row waits in its side's table
 * until a row with the same key arrives from the other side (then it is changed, or unchanged if
 * only its place moved); whatever still waits at the end was added or removed. Byte-identical rows
 * never get here, so the tables hold only the rows that differ. When they pass `budgetBytes`, the
 * rows go to disk instead, into 64 partition files by a hash of the key (an external hash join),
 * and each partition is matched alone at the end: memory stays bounded by about one partition.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangedRow, RowRef, Values } from './model.js';
import { sameCell } from './values.js';

export interface PendingRow {
  readonly line: number;
  readonly key: string;
  /** The record as read (re-parsed when matched). */
  readonly text: string;
}

export interface MatcherOptions {
  readonly mode: 'key' | 'position';
  readonly limit: number;
  readonly shared: readonly string[];
  readonly parseBefore: (text: string) => Values;
  readonly parseAfter: (text: string) => Values;
  /** Bytes of waiting rows kept in memory before they spill to disk (default 256 MiB). */
  readonly budgetBytes?: number;
  readonly spillDir?: string;
}

const PARTITIONS = 64;

export class Matcher {
  unchanged = 0;
  changedCount = 0;
  addedCount = 0;
  removedCount = 0;
  duplicateKeys = 0;
  private readonly addedRows: Sample<RowRef>;
  private readonly removedRows: Sample<RowRef>;
  private readonly changedRows: Sample<ChangedRow>;
  private partitioned = false;
  private readonly waiting = { before: new Map<string, PendingRow>(), after: new Map<string, PendingRow>() };
  private waitingBytes = 0;
  private spill: { dir: string; buffers: string[][]; sizes: number[]; flushing: Promise<void> } | undefined;

  constructor(private readonly options: MatcherOptions) {
    this.addedRows = new Sample(options.limit, (r) => r.line);
    this.removedRows = new Sample(options.limit, (r) => r.line);
    this.changedRows = new Sample(options.limit, (r) => r.lineAfter);
  }

  get added(): RowRef[] {
    return this.addedRows.trim();
  }

  get removed(): RowRef[] {
    return this.removedRows.trim();
  }

  get changed(): ChangedRow[] {
    return this.changedRows.trim();
  }

  identical(rows: number): void {
    this.unchanged += rows;
  }

  /** By position: row n of each side. */
  pair(before: PendingRow, after: PendingRow): void {
    this.compare(before, after);
  }

  /**
   * A row of one side that differs from what the other side has at that place. True when it met
   * a row of the other side that was waiting for it (that side had it earlier: this side is behind).
   */
  row(side: 'before' | 'after', row: PendingRow): boolean {
    if (this.options.mode === 'position') {
      this.unmatched(side, row);
      return false;
    }
    if (this.spill) {
      this.spillRow(side, row);
      return false;
    }
    const other = this.waiting[side === 'before' ? 'after' : 'before'];
    const match = other.get(row.key);
    if (match) {
      other.delete(row.key);
      this.waitingBytes -= match.text.length;
      if (side === 'before') this.compare(row, match);
      else this.compare(match, row);
      return true;
    }
    const mine = this.waiting[side];
    if (mine.has(row.key)) {
      this.duplicateKeys++;
      return false;
    }
    mine.set(row.key, row);
    this.waitingBytes += row.text.length;
    if (!this.partitioned && this.waitingBytes > (this.options.budgetBytes ?? 256 << 20)) this.startSpill();
    return false;
  }

  /** Rows of a side still waiting for their match. */
  waitingRows(side: 'before' | 'after'): number {
    return this.waiting[side].size;
  }

  /** Lets writes to spill files finish (call between reads). */
  async drain(): Promise<void> {
    if (this.spill) await this.spill.flushing;
  }

  async finish(): Promise<void> {
    if (this.spill) {
      await this.finishSpill();
      return;
    }
    for (const row of this.waiting.before.values()) this.unmatched('before', row);
    for (const row of this.waiting.after.values()) this.unmatched('after', row);
  }

  private compare(before: PendingRow, after: PendingRow): void {
    if (before.text === after.text) {
      this.unchanged++;
      return;
    }
    const a = this.options.parseBefore(before.text);
    const b = this.options.parseAfter(after.text);
    const columns = this.options.shared.filter((c) => !sameCell(a[c], b[c]));
    if (columns.length === 0) {
      this.unchanged++;
      return;
    }
    this.changedCount++;
    this.changedRows.add({ ...(this.options.mode === 'key' ? { key: after.key } : {}), lineBefore: before.line, lineAfter: after.line, columns, before: a, after: b });
  }

  private unmatched(side: 'before' | 'after', row: PendingRow): void {
    const sample = side === 'before' ? this.removedRows : this.addedRows;
    if (side === 'before') this.removedCount++;
    else this.addedCount++;
    if (!sample.wants(row.line)) return;
    const values = (side === 'before' ? this.options.parseBefore : this.options.parseAfter)(row.text);
    sample.add({ line: row.line, ...(this.options.mode === 'key' ? { key: row.key } : {}), values });
  }

  private startSpill(): void {
    this.spill = { dir: '', buffers: Array.from({ length: PARTITIONS }, () => []), sizes: new Array<number>(PARTITIONS).fill(0), flushing: Promise.resolve() };
    const spill = this.spill;
    spill.flushing = mkdtemp(join(this.options.spillDir ?? tmpdir(), 'mlw-datadiff-')).then((dir) => {
      spill.dir = dir;
    });
    for (const side of ['before', 'after'] as const) {
      for (const row of this.waiting[side].values()) this.spillRow(side, row);
      this.waiting[side].clear();
    }
    this.waitingBytes = 0;
  }

  private spillRow(side: 'before' | 'after', row: PendingRow): void {
    const spill = this.spill!;
    const partition = hash(row.key) % PARTITIONS;
    spill.buffers[partition]!.push(JSON.stringify([side === 'before' ? 0 : 1, row.line, row.key, row.text]));
    spill.sizes[partition]! += row.text.length;
    if (spill.sizes[partition]! > 1 << 20) this.flush(partition);
  }

  private flush(partition: number): void {
    const spill = this.spill!;
    const lines = spill.buffers[partition]!;
    if (lines.length === 0) return;
    spill.buffers[partition] = [];
    spill.sizes[partition] = 0;
    const text = lines.join('\n') + '\n';
    spill.flushing = spill.flushing.then(() => appendFile(join(spill.dir, `p${partition}`), text));
  }

  private async finishSpill(): Promise<void> {
    const spill = this.spill!;
    for (let p = 0; p < PARTITIONS; p++) this.flush(p);
    await spill.flushing;
    this.spill = undefined;
    this.partitioned = true;
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        const text = await readFile(join(spill.dir, `p${p}`), 'utf8').catch(() => '');
        for (const line of text.split('\n')) {
          if (!line) continue;
          const [side, at, key, record] = JSON.parse(line) as [number, number, string, string];
          this.row(side === 0 ? 'before' : 'after', { line: at, key, text: record });
        }
        for (const row of this.waiting.before.values()) this.unmatched('before', row);
        for (const row of this.waiting.after.values()) this.unmatched('after', row);
        this.waiting.before.clear();
        this.waiting.after.clear();
        this.waitingBytes = 0;
      }
    } finally {
      await rm(spill.dir, { recursive: true, force: true });
    }
  }
}

/** The first `limit` items by position, in at most 2 × limit memory. */
class Sample<T> {
  readonly items: T[] = [];
  /** Items at or past this position cannot be among the first `limit`. */
  private threshold = Number.POSITIVE_INFINITY;

  constructor(
    private readonly limit: number,
    private readonly at: (item: T) => number,
  ) {}

  wants(position: number): boolean {
    return this.limit > 0 && position < this.threshold;
  }

  add(item: T): void {
    if (!this.wants(this.at(item))) return;
    this.items.push(item);
    if (this.items.length > this.limit * 2) this.trim();
  }

  trim(): T[] {
    this.items.sort((x, y) => this.at(x) - this.at(y));
    if (this.items.length >= this.limit) {
      this.items.length = this.limit;
      if (this.limit > 0) this.threshold = this.at(this.items[this.limit - 1]!);
    }
    return this.items;
  }
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

