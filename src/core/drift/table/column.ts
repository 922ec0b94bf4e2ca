/**
 * A column as read from a file, held the way pandas would hold it after `read_csv`, `read_json(lines=True)`
 * or `read_parquet` (its dtype decides Evidently's column type), in compact form: numbers in a
 * Float64Array (8 bytes a value: the K-S test and the Wasserstein distance need every value),
 * strings as counts per distinct value.
 */
import type { ColumnType } from '../model';
import { sortFloat64 } from '../stats/sort';

/** Kinds of Python value an object column can hold; Evidently looks at the first and last non-missing one. */
export type ValueKind = 'string' | 'number' | 'bool' | 'list' | 'dict' | 'other';

export type StoredColumn =
  | {
      readonly kind: 'number';
      /** pandas' dtype: an int column with ≤ 10 distinct values is categorical, a bool one always. */
      readonly dtype: 'int64' | 'int32' | 'int16' | 'int8' | 'float64' | 'float32' | 'bool';
      /** Finite values only (true/false as 1/0); sorted in place once the drift needs them. */
      readonly values: Float64Array;
      /** Counts per value when there are at most `FEW_VALUES` distinct ones (then nothing needs sorting). */
      readonly distinct?: ReadonlyMap<number, number>;
      readonly infinite: number;
      readonly missing: number;
    }
  | {
      readonly kind: 'object';
      /** Distinct values and their counts; strings as they are, other kinds through `objectKey`. */
      readonly counts: ReadonlyMap<string, number>;
      readonly present: number;
      readonly missing: number;
      readonly first: ValueKind | undefined;
      readonly last: ValueKind | undefined;
    }
  | { readonly kind: 'category'; readonly counts: ReadonlyMap<string, number>; readonly present: number; readonly missing: number }
  | { readonly kind: 'opaque'; readonly dtype: string; readonly type: 'datetime' | 'list' | 'unknown'; readonly present: number; readonly missing: number };

/** A non-string Python value as a key of an object column's counts (pandas compares 1 == 1.0 == True). */
export function objectKey(kind: Exclude<ValueKind, 'string'>, value: string): string {
  return `\u0000${kind === 'bool' || kind === 'number' ? 'number' : kind}:${value}`;
}

/** The text shown for a key of an object column's counts. */
export function displayKey(key: string): string {
  return key.startsWith('\u0000') ? key.slice(key.indexOf(':') + 1) : key;
}

/** Evidently's `INTEGER_CARDINALITY_LIMIT`: int columns with at most this many distinct values are categorical. */
export const INTEGER_CARDINALITY_LIMIT = 10;

/** `evidently.core.datasets.infer_column_type` on the pandas dtype this column would have. */
export function inferColumnType(column: StoredColumn): ColumnType {
  switch (column.kind) {
    case 'number':
      if (column.dtype === 'bool') return 'categorical';
      if (column.dtype.startsWith('float')) return 'numerical';
      return distinctNumbers(column) <= INTEGER_CARDINALITY_LIMIT ? 'categorical' : 'numerical';
    case 'object':
      if (column.present === 0) return 'unknown';
      if (column.first === 'string' && column.last === 'string') return column.counts.size > column.present * 0.5 ? 'text' : 'categorical';
      if (column.first === 'list' && column.last === 'list') return 'list';
      return 'unknown';
    case 'category':
      return 'categorical';
    case 'opaque':
      return column.type;
  }
}

/** pandas' dtype name for the column, for summaries. */
export function dtypeName(column: StoredColumn): string {
  return column.kind === 'number' || column.kind === 'opaque' ? column.dtype : column.kind;
}

export function presentCount(column: StoredColumn): number {
  return column.kind === 'number' ? column.values.length + column.infinite : column.present;
}

export function missingCount(column: StoredColumn): number {
  return column.missing;
}

const sorted = new WeakSet<Float64Array>();

/**
 * The values sorted ascending, in place: the tests and the chart need the order statistics, never
 * the file order, and a sorted copy would double the largest allocation. With the counts of a
 * few-valued column, a counting sort.
 */
export function sortedValues(values: Float64Array, distinct?: ReadonlyMap<number, number>): Float64Array {
  if (sorted.has(values)) return values;
  if (distinct) {
    let at = 0;
    for (const value of [...distinct.keys()].sort((a, b) => a - b)) {
      const count = distinct.get(value)!;
      values.fill(value, at, at + count);
      at += count;
    }
  } else {
    sortFloat64(values);
  }
  sorted.add(values);
  return values;
}

/** Distinct values of a sorted array. */
export function distinctCount(sorted: Float64Array): number {
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  return count;
}

/** Distinct values of a number column (from its counts when it has few). */
export function distinctNumbers(column: Extract<StoredColumn, { kind: 'number' }>): number {
  return column.distinct ? column.distinct.size : distinctCount(sortedValues(column.values));
}

/** A Float64Array that grows by doubling: 8 bytes a value, at most twice that while growing. */
/** Counted while reading: more distinct values than this and a column is sorted instead. */
export const FEW_VALUES = INTEGER_CARDINALITY_LIMIT + 1;

export class GrowableFloat64 {
  private buffer = new Float64Array(1024);
  private size = 0;
  private few: number[] | undefined = [];
  private fewCounts: number[] = [];

  push(value: number): void {
    const few = this.few;
    if (few) {
      let k = 0;
      while (k < few.length && few[k] !== value) k++;
      if (k < few.length) this.fewCounts[k]!++;
      else if (few.length < FEW_VALUES) {
        few.push(value);
        this.fewCounts.push(1);
      } else this.few = undefined;
    }
    if (this.size === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.size++] = value;
  }

  get length(): number {
    return this.size;
  }

  /** Counts per value, when there were at most FEW_VALUES distinct ones. */
  distinct(): Map<number, number> | undefined {
    return this.few ? new Map(this.few.map((v, k) => [v, this.fewCounts[k]!])) : undefined;
  }

  /** The values, trimmed to a copy of their own size (the growth buffer is released). */
  finish(): Float64Array {
    const out = this.buffer.slice(0, this.size);
    this.buffer = new Float64Array(0);
    this.size = 0;
    return out;
  }
}

export function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
