/**
 * Drift between two tables: read both (streaming, one file at a time), then compare every column
 * as Evidently's DataDriftPreset does, and the share of drifted columns against its drift_share.
 * `compareTables` is pure (the host can compare windows of a capture log it read once);
 * `computeDrift` reads the files first.
 */
import { extname } from 'node:path';
import { stat } from 'node:fs/promises';
import { columnDrift } from './columnDrift';
import type { ColumnDrift, DatasetDrift, DriftProblem, DriftReport, TableFormat } from './model';
import { readDelimited } from './table/csv';
import { readJsonl } from './table/jsonl';
import { readParquet } from './table/parquet';
import { TableReadError, type TableRead } from './table/read';

/** Evidently's DataDriftPreset default: the dataset drifts when at least half the columns do. */
export const DEFAULT_DRIFT_SHARE = 0.5;

export interface DriftOptions {
  /** Only these columns (DataDriftPreset(columns=…)); every column of the current data otherwise. */
  readonly columns?: readonly string[];
  readonly driftShare?: number;
  /** JSONL: nested objects as `parent.child` columns. */
  readonly flatten?: boolean;
  readonly signal?: AbortSignal;
}

const EXTENSIONS: Readonly<Record<string, TableFormat>> = { '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet', '.pq': 'parquet' };

export function formatOf(path: string): TableFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

export interface ReadTableOptions {
  readonly format?: TableFormat;
  readonly columns?: ReadonlySet<string>;
  readonly flatten?: boolean;
  readonly signal?: AbortSignal;
}

export async function readTable(path: string, options: ReadTableOptions = {}): Promise<TableRead> {
  const format = options.format ?? formatOf(path);
  if (!format) throw new TableReadError('unsupported-format', `${path}: not a table file ML Workbench reads (.csv, .tsv, .jsonl, .ndjson, .parquet)`);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new TableReadError('not-found', `${path} does not exist`);
  if (!info.isFile()) throw new TableReadError('not-found', `${path} is not a file`);
  switch (format) {
    case 'csv':
      return readDelimited(path, ',', options);
    case 'tsv':
      return readDelimited(path, '\t', options);
    case 'jsonl':
      return readJsonl(path, options);
    case 'parquet':
      return readParquet(path, options);
  }
}

export async function computeDrift(referencePath: string, currentPath: string, options: DriftOptions = {}): Promise<DriftReport> {
  const columns = options.columns ? new Set(options.columns) : undefined;
  const read = (path: string): Promise<TableRead> => readTable(path, { columns, flatten: options.flatten, signal: options.signal });
  const reference = await read(referencePath);
  const current = await read(currentPath);
  return compareTables({ path: referencePath, ...reference }, { path: currentPath, ...current }, options);
}

export type NamedTable = TableRead & { readonly path: string };

export function compareTables(reference: NamedTable, current: NamedTable, options: Pick<DriftOptions, 'columns' | 'driftShare'> = {}): DriftReport {
  const problems = [...tagged(reference, 'reference'), ...tagged(current, 'current')];
  const names = options.columns ?? [...current.names, ...reference.names.filter((n) => !current.names.includes(n))];
  const columns = names.map((name) => {
    const drift = columnDrift(name, reference.columns.get(name), current.columns.get(name));
    const own = problems.filter((p) => p.column === name);
    return own.length > 0 ? { ...drift, problems: [...own, ...drift.problems] } : drift;
  });
  return {
    reference: summary(reference),
    current: summary(current),
    dataset: datasetDrift(columns, options.driftShare ?? DEFAULT_DRIFT_SHARE),
    columns,
    problems: problems.filter((p) => p.column === undefined),
  };
}

function tagged(table: NamedTable, dataset: 'reference' | 'current'): DriftProblem[] {
  return table.problems.map((p) => ({ ...p, dataset }));
}

function summary(table: NamedTable): DriftReport['reference'] {
  return { path: table.path, format: table.format, rows: table.rows, columns: table.names.length, reader: table.reader };
}

function datasetDrift(columns: readonly ColumnDrift[], driftShare: number): DatasetDrift {
  const tested = columns.filter((c) => c.status === 'tested');
  const drifted = tested.filter((c) => c.drifted).length;
  const share = tested.length > 0 ? drifted / tested.length : 0;
  return { tested: tested.length, drifted, share, driftShare, detected: tested.length > 0 && share >= driftShare, notComputed: columns.filter((c) => c.status === 'not-computed').length };
}
