/**
 * One column's summary, built one value at a time in bounded memory, with pandas' meanings:
 * `count` non-missing values, `missing` the rest; a column whose every value is a number is
 * numeric (min, max, mean, `std` with ddof=1, Welford's update); any other is categorical
 * (distinct values, the most frequent with their counts). Distinct values are counted exactly up
 * to DISTINCT_CAP, then the column says `distinctAtLeast` and new values are no longer tracked.
 * A numeric column keeps its value counts only while it has few values (labels, classes).
 */

export const DISTINCT_CAP = 100_000;
const NUMERIC_COUNTS_CAP = 1_000;
/** Distinct numbers counted by a linear scan before a Map takes over. */
const FEW = 8;
export const TOP = 5;

export type ColumnKind = 'numeric' | 'categorical' | 'mixed' | 'empty';

export interface ColumnStats {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly count: number;
  readonly missing: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  /** Distinct non-missing values (absent for a numeric column with many values). */
  readonly distinct?: number;
  /** True when `distinct` is a lower bound (more than DISTINCT_CAP values). */
  readonly distinctAtLeast?: boolean;
  /** Most frequent values, most frequent first (ties by value), as text. */
  readonly top?: readonly { readonly value: string; readonly count: number }[];
}

export class ColumnAccumulator {
  private count = 0;
  private missing = 0;
  private numbers = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private texts = 0;
  /** Counts of the first few distinct numbers in two small arrays (labels, classes: no Map lookup per value), then in a Map. */
  private readonly fewValues = new Float64Array(FEW);
  private readonly fewCounts = new Float64Array(FEW);
  private few = 0;
  private numberCounts: Map<number, number> | undefined;
  private numbersCapped = false;
  /** Text values counted by their UTF-8 bytes: a value seen before costs no string. */
  private readonly textCounts = new ByteCounts();
  private capped = false;

  constructor(readonly name: string) {}

  addMissing(): void {
    this.missing++;
  }

  addNumber(value: number): void {
    this.count++;
    this.numbers++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const delta = value - this.mean;
    this.mean += delta / this.numbers;
    this.m2 += delta * (value - this.mean);
    if (this.numbersCapped) return;
    const counts = this.numberCounts;
    if (counts) {
      counts.set(value, (counts.get(value) ?? 0) + 1);
      if (counts.size > NUMERIC_COUNTS_CAP) {
        this.numberCounts = undefined;
        this.numbersCapped = true;
      }
      return;
    }
    for (let k = 0; k < this.few; k++) {
      if (this.fewValues[k] === value) {
        this.fewCounts[k]!++;
        return;
      }
    }
    if (this.few < FEW) {
      this.fewValues[this.few] = value;
      this.fewCounts[this.few++] = 1;
      return;
    }
    this.numberCounts = this.countsOfNumbers()!;
    this.numberCounts.set(value, 1);
  }

  /** Every number's count (undefined past NUMERIC_COUNTS_CAP distinct numbers). */
  private countsOfNumbers(): Map<number, number> | undefined {
    if (this.numbersCapped) return undefined;
    if (this.numberCounts) return this.numberCounts;
    const counts = new Map<number, number>();
    for (let k = 0; k < this.few; k++) counts.set(this.fewValues[k]!, this.fewCounts[k]!);
    return counts;
  }

  addText(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.addTextBytes(bytes, 0, bytes.length);
  }

  /** A text value given as bytes [start, end) of a buffer (UTF-8). */
  addTextBytes(buffer: Buffer, start: number, end: number): void {
    this.count++;
    this.texts++;
    if (!this.textCounts.add(buffer, start, end, DISTINCT_CAP)) this.capped = true;
  }

  /** A value of any type (JSON Lines, Parquet): numbers as numbers, the rest as text. */
  add(value: unknown): void {
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) this.addMissing();
    else if (typeof value === 'number') this.addNumber(value);
    else if (typeof value === 'bigint') this.addNumber(Number(value));
    else if (typeof value === 'string') this.addText(value);
    else if (typeof value === 'boolean') this.addText(value ? 'True' : 'False');
    else if (value instanceof Date) this.addText(value.toISOString());
    else this.addText(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
  }

  result(): ColumnStats {
    const base = { name: this.name, count: this.count, missing: this.missing };
    if (this.count === 0) return { ...base, kind: 'empty' };
    const numeric = this.numbers > 0 ? { min: this.min, max: this.max, mean: this.mean, ...(this.numbers > 1 ? { std: Math.sqrt(this.m2 / (this.numbers - 1)) } : {}) } : {};
    if (this.texts === 0) {
      const counts = this.countsOfNumbers();
      return { ...base, kind: 'numeric', ...numeric, ...(counts ? { distinct: counts.size, top: top([...counts].map(([v, c]) => [String(v), c])) } : {}) };
    }
    // By text: byte sequences that are not UTF-8 may read as the same text.
    const all = new Map<string, number>();
    this.textCounts.forEach((text, count) => all.set(text, (all.get(text) ?? 0) + count));
    for (const [value, count] of this.countsOfNumbers() ?? []) all.set(String(value), (all.get(String(value)) ?? 0) + count);
    const lowerBound = this.capped || (this.numbers > 0 && this.numbersCapped);
    return {
      ...base,
      kind: this.numbers > 0 ? 'mixed' : 'categorical',
      ...numeric,
      distinct: all.size,
      ...(lowerBound ? { distinctAtLeast: true } : {}),
      top: top([...all]),
    };
  }
}

const before = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The TOP most frequent (ties by value) in one pass: no sort of every distinct value (up to DISTINCT_CAP). */
function top(entries: [string, number][]): { value: string; count: number }[] {
  const best: [string, number][] = [];
  for (const entry of entries) {
    if (best.length === TOP && before(entry, best[TOP - 1]!) >= 0) continue;
    let at = best.length === TOP ? TOP - 1 : best.length;
    while (at > 0 && before(entry, best[at - 1]!) < 0) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = entry;
  }
  return best.map(([value, count]) => ({ value, count }));
}

/**
 * Counts of distinct byte strings in an open-addressing hash table held in typed arrays (no object
 * or string per value): slots point at entries; an entry is its hash, count and bytes in an arena.
 */
class ByteCounts {
  /**
   * Per slot: a fingerprint of the hash's top byte (0: free) in a small array a probe walks first,
   * and the entry (+ 1); a probe that misses touches neither the entries nor the slots.
   */
  private fingerprints = new Uint8Array(1024);
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private counts = new Float64Array(512);
  private offsets = new Float64Array(512);
  private lengths = new Int32Array(512);
  private arena = Buffer.alloc(1 << 14);
  private used = 0;
  size = 0;

  /** Counts the value; false when it is new and the table already holds `cap` values (not counted). */
  add(buffer: Buffer, start: number, end: number, cap: number): boolean {
    const hash = fnv1a(buffer, start, end);
    const mask = this.slots.length - 1;
    const length = end - start;
    const fingerprints = this.fingerprints;
    const fingerprint = hash >>> 24 || 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const seen = fingerprints[slot]!;
      if (seen === 0) {
        if (this.size >= cap) return false;
        this.insert(slot, fingerprint, hash, buffer, start, end);
        return true;
      }
      if (seen !== fingerprint) continue;
      const entry = this.slots[slot]! - 1;
      if (this.hashes[entry] === hash && this.lengths[entry] === length && this.holds(entry, buffer, start, end)) {
        this.counts[entry]!++;
        return true;
      }
    }
  }

  forEach(visit: (text: string, count: number) => void): void {
    for (let e = 0; e < this.size; e++) visit(this.arena.toString('utf8', this.offsets[e]!, this.offsets[e]! + this.lengths[e]!), this.counts[e]!);
  }

  private holds(entry: number, buffer: Buffer, start: number, end: number): boolean {
    const at = this.offsets[entry]!;
    const length = end - start;
    if (length > 32) return buffer.compare(this.arena, at, at + length, start, end) === 0;
    const arena = this.arena;
    for (let i = 0; i < length; i++) if (arena[at + i] !== buffer[start + i]) return false;
    return true;
  }

  private insert(slot: number, fingerprint: number, hash: number, buffer: Buffer, start: number, end: number): void {
    const entry = this.size++;
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes, new Int32Array(entry * 2));
      this.counts = grown(this.counts, new Float64Array(entry * 2));
      this.offsets = grown(this.offsets, new Float64Array(entry * 2));
      this.lengths = grown(this.lengths, new Int32Array(entry * 2));
    }
    const length = end - start;
    if (this.used + length > this.arena.length) {
      const bigger = Buffer.alloc(Math.max(this.arena.length * 2, this.used + length));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    buffer.copy(this.arena, this.used, start, end);
    this.hashes[entry] = hash;
    this.counts[entry] = 1;
    this.offsets[entry] = this.used;
    this.lengths[entry] = length;
    this.used += length;
    this.slots[slot] = entry + 1;
    this.fingerprints[slot] = fingerprint;
    // Kept at most half full, so probes stay short.
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const fingerprints = new Uint8Array(slots.length);
    const mask = slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      const hash = this.hashes[e]!;
      let slot = hash & mask;
      while (fingerprints[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
      fingerprints[slot] = hash >>> 24 || 1;
    }
    this.slots = slots;
    this.fingerprints = fingerprints;
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** FNV-1a over the bytes (32 bits, as int32). */
function fnv1a(buffer: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buffer[i]!, 0x01000193);
  return h;
}
