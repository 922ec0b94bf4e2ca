/** What every table reader returns: its columns as pandas would hold them, and what it could not read. */
import type { DriftProblem, TableFormat } from '../model';
import type { StoredColumn } from './column';

export interface TableRead {
  readonly format: TableFormat;
  readonly reader: string;
  /** Data rows read (lines that could not be read are not counted). */
  readonly rows: number;
  /** Column names in file order (pandas' order: CSV header, JSONL first appearance, Parquet schema). */
  readonly names: readonly string[];
  /** The columns read (all, or those asked for). */
  readonly columns: ReadonlyMap<string, StoredColumn>;
  /** Line- and file-level problems; `dataset` is set by the caller. */
  readonly problems: readonly DriftProblem[];
}

export interface ReadOptions {
  /** Read only these columns (others are named in `names` but not stored). */
  readonly columns?: ReadonlySet<string>;
  readonly signal?: AbortSignal;
}

/** A file that cannot be read as a table at all: missing, a directory, not Parquet, … */
export class TableReadError extends Error {
  constructor(
    readonly reason: 'not-found' | 'unsupported-format' | 'invalid-file' | 'too-long-line',
    message: string,
  ) {
    super(message);
    this.name = 'TableReadError';
  }
}
