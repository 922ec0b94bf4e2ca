/**
 * What a data diff says about a table file (CSV, TSV, JSON Lines, Parquet) between two versions,
 * and about a directory (its `.dir` listings). Values are shown as read: text for CSV/TSV cells,
 * JSON values for JSON Lines and Parquet (64-bit integers as numbers).
 */
import type { ColumnStats } from './stats.js';

export type TableFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export function tableFormatOf(path: string): TableFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  return undefined;
}

export type Values = Readonly<Record<string, unknown>>;

export interface RowRef {
  /** 1-based line of the row's record (CSV/TSV/JSONL: the header is line 1); Parquet: row number + 1. */
  readonly line: number;
  readonly key?: string;
  readonly values: Values;
}

export interface ChangedRow {
  readonly key?: string;
  readonly lineBefore: number;
  readonly lineAfter: number;
  /** The shared columns whose value differs. */
  readonly columns: readonly string[];
  readonly before: Values;
  readonly after: Values;
}

export interface SchemaDiff {
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Same columns in another order. */
  readonly reordered: boolean;
  /** Columns whose kind changed (numeric ↔ categorical), known once stats are read. */
  readonly kindChanged: readonly { readonly column: string; readonly before: string; readonly after: string }[];
}

export interface RowCounts {
  readonly before: number;
  readonly after: number;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
  /** Rows whose key was already seen on the same side (the first one is compared). */
  readonly duplicateKeys: number;
}

export interface TableProblem {
  readonly side: 'before' | 'after';
  readonly line: number;
  readonly message: string;
}

export interface TableDiff {
  readonly kind: 'table';
  readonly format: TableFormat;
  /** `key`: rows matched by the key column's value; `position`: row n against row n. */
  readonly mode: 'key' | 'position';
  readonly key?: string;
  readonly schema: SchemaDiff;
  readonly rows: RowCounts;
  /** The first `limit` rows of each kind, in file order. */
  readonly added: readonly RowRef[];
  readonly removed: readonly RowRef[];
  readonly changed: readonly ChangedRow[];
  readonly stats?: { readonly before: readonly ColumnStats[]; readonly after: readonly ColumnStats[] };
  /** Malformed records (ragged CSV rows, lines that are not JSON): the first ones and how many. */
  readonly problems: readonly TableProblem[];
  readonly problemCount: number;
}

export interface FileChange {
  readonly path: string;
  readonly status: 'added' | 'deleted' | 'modified';
  readonly sizeBefore?: number;
  readonly sizeAfter?: number;
}

export interface DirectoryDiff {
  readonly kind: 'directory';
  readonly files: readonly FileChange[];
  readonly unchanged: number;
  readonly sizeBefore: number;
  readonly sizeAfter: number;
}
