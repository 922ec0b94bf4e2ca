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
  private numberCounts: Map<number, number> | undefined = new Map();
  /**
   * Text values by a 30-bit hash of their UTF-8 bytes (a small integer: V8's fastest Map key), the
   * bytes kept to confirm a hit, so a value seen before costs no string; a value whose hash is
   * taken by another goes to `collided`, by its text.
   */
  private readonly textCounts = new Map<number, { count: number; readonly bytes: Buffer }>();
  private readonly collided = new Map<string, number>();
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
    const counts = this.numberCounts;
    if (counts) {
      counts.set(value, (counts.get(value) ?? 0) + 1);
      if (counts.size > NUMERIC_COUNTS_CAP) this.numberCounts = undefined;
    }
  }

  addText(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.addTextBytes(bytes, 0, bytes.length);
  }

  /** A text value given as bytes [start, end) of a buffer (UTF-8). */
  addTextBytes(buffer: Buffer, start: number, end: number): void {
    this.count++;
    this.texts++;
    const key = hash30(buffer, start, end);
    const seen = this.textCounts.get(key);
    if (seen !== undefined && seen.bytes.length === end - start && buffer.compare(seen.bytes, 0, seen.bytes.length, start, end) === 0) {
      seen.count++;
      return;
    }
    const distinct = this.textCounts.size + this.collided.size;
    if (seen === undefined) {
      if (distinct < DISTINCT_CAP) this.textCounts.set(key, { count: 1, bytes: Buffer.from(buffer.subarray(start, end)) });
      else this.capped = true;
      return;
    }
    const text = buffer.toString('utf8', start, end);
    const count = this.collided.get(text);
    if (count !== undefined) this.collided.set(text, count + 1);
    else if (distinct < DISTINCT_CAP) this.collided.set(text, 1);
    else this.capped = true;
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
      const counts = this.numberCounts;
      return { ...base, kind: 'numeric', ...numeric, ...(counts ? { distinct: counts.size, top: top([...counts].map(([v, c]) => [String(v), c])) } : {}) };
    }
    const all = new Map([...this.textCounts.values()].map((e) => [e.bytes.toString('utf8'), e.count]));
    for (const [text, count] of this.collided) all.set(text, (all.get(text) ?? 0) + count);
    for (const [value, count] of this.numberCounts ?? []) all.set(String(value), (all.get(String(value)) ?? 0) + count);
    const lowerBound = this.capped || (this.numbers > 0 && !this.numberCounts);
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

function top(entries: [string, number][]): { value: string; count: number }[] {
  return entries
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP)
    .map(([value, count]) => ({ value, count }));
}

/** FNV-1a over the bytes, folded to 30 bits. */
function hash30(buffer: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buffer[i]!, 0x01000193);
  return (h ^ (h >>> 30)) & 0x3fffffff;
}
